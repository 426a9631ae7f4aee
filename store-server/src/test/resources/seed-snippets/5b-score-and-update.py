import json
import requests
from datetime import datetime

def main(inputs: dict) -> dict:
    """
    评分流程：加载会话 → 评分 → 更新会话

    工作流输入:
    - session_id: 会话ID (来自用户输入)
    - candidate_answer: 候选人答案 (来自用户输入)
    - comprehensive_evaluation: 综合评价 (来自LLM评分节点)
    - overall_score: 总分 (来自LLM评分节点)

    工作流输出:
    - success: 是否成功
    - comprehensive_evaluation: 综合评价
    - overall_score: 总分
    """

    session_id = inputs.get('session_id', '')

    if not session_id:
        return {
            "success": False,
            "message": "缺少会话ID，无法评分"
        }

    try:
        # 1. 加载会话数据
        load_url = f"http://localhost:3001/api/interview/sessions/{session_id}"
        load_response = requests.get(load_url, timeout=10)

        if load_response.status_code != 200:
            return {
                "success": False,
                "message": "会话不存在或已过期"
            }

        session_data = load_response.json().get('data', {}).get('sessionData', {})

        # 2. 更新会话数据（添加评分结果）
        session_data.update({
            "candidateAnswer": inputs.get('candidate_answer', ''),
            "comprehensiveEvaluation": inputs.get('comprehensive_evaluation', ''),
            "overallScore": inputs.get('overall_score', 0),
            "evaluatedAt": datetime.now().isoformat()
        })

        # 3. 保存更新后的数据
        save_url = "http://localhost:3001/api/interview/sessions"
        save_payload = {
            "sessionId": session_id,
            "sessionData": session_data
        }

        save_response = requests.post(
            save_url,
            json=save_payload,
            headers={"Content-Type": "application/json"},
            timeout=10
        )

        return {
            "success": save_response.status_code == 200,
            "session_id": session_id,
            "comprehensive_evaluation": inputs.get('comprehensive_evaluation', ''),
            "overall_score": inputs.get('overall_score', 0),
            "message": "评分完成并保存" if save_response.status_code == 200 else "评分完成但保存失败"
        }

    except Exception as e:
        return {
            "success": False,
            "message": f"评分流程失败: {str(e)}",
            "comprehensive_evaluation": inputs.get('comprehensive_evaluation', ''),
            "overall_score": inputs.get('overall_score', 0)
        }
