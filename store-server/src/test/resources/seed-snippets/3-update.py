import json
import requests

def main(inputs: dict) -> dict:
    """
    更新会话数据（先加载再保存）

    输入参数:
    - session_id: 会话ID
    - comprehensive_evaluation: 综合评价
    - overall_score: 总分
    - candidate_answer: 候选人答案（可选）

    返回:
    - success: 是否成功
    - message: 提示信息
    """

    session_id = inputs.get('session_id', '')
    comprehensive_evaluation = inputs.get('comprehensive_evaluation', '')
    overall_score = inputs.get('overall_score', 0)
    candidate_answer = inputs.get('candidate_answer', '')

    if not session_id:
        return {
            "success": False,
            "message": "缺少必需参数: session_id"
        }

    try:
        # 1. 先加载现有会话数据
        load_url = f"http://localhost:3001/api/interview/sessions/{session_id}"
        load_response = requests.get(load_url, timeout=10)

        if load_response.status_code != 200:
            return {
                "success": False,
                "message": "无法加载现有会话数据"
            }

        session_data = load_response.json().get('data', {}).get('sessionData', {})

        # 2. 更新会话数据
        session_data['comprehensiveEvaluation'] = comprehensive_evaluation
        session_data['overallScore'] = overall_score
        session_data['candidateAnswer'] = candidate_answer
        session_data['evaluatedAt'] = inputs.get('evaluated_at', '')

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

        if save_response.status_code == 200:
            return {
                "success": True,
                "message": "会话数据更新成功",
                "session_id": session_id
            }
        else:
            return {
                "success": False,
                "message": f"保存更新失败: {save_response.text}"
            }

    except Exception as e:
        return {
            "success": False,
            "message": f"更新会话失败: {str(e)}"
        }
