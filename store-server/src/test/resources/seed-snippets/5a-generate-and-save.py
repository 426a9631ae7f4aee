import json
import requests
import uuid
from datetime import datetime

def main(inputs: dict) -> dict:
    """
    生成问题后保存会话

    工作流输入:
    - job_title: 职位名称 (来自用户输入)
    - generated_questions: 生成的问题 (来自前一个LLM节点)
    - standard_answer: 标准答案 (来自前一个LLM节点)

    工作流输出:
    - session_id: 新生成的会话ID
    - success: 是否保存成功
    - generated_questions: 原样返回给用户
    """

    # 生成唯一的会话ID
    session_id = f"session-{uuid.uuid4()}"

    # 准备会话数据
    session_data = {
        "jobTitle": inputs.get('job_title', ''),
        "generatedQuestions": inputs.get('generated_questions', ''),
        "standardAnswer": inputs.get('standard_answer', ''),
        "createdAt": datetime.now().isoformat(),
        "requestType": "generate_questions"
    }

    # 保存到 Redis
    try:
        api_url = "http://localhost:3001/api/interview/sessions"
        payload = {
            "sessionId": session_id,
            "sessionData": session_data
        }

        response = requests.post(
            api_url,
            json=payload,
            headers={"Content-Type": "application/json"},
            timeout=10
        )

        save_success = response.status_code == 200

        return {
            "session_id": session_id,
            "success": save_success,
            "generated_questions": inputs.get('generated_questions', ''),
            "message": "会话保存成功" if save_success else "会话保存失败，但题目已生成"
        }

    except Exception as e:
        # 即使保存失败，也返回题目
        return {
            "session_id": session_id,
            "success": False,
            "generated_questions": inputs.get('generated_questions', ''),
            "message": f"会话保存失败: {str(e)}"
        }
