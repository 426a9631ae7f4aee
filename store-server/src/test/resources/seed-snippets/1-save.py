import json
import requests

def main(inputs: dict) -> dict:
    """
    保存会话数据到 Redis

    输入参数:
    - session_id: 会话ID
    - job_title: 职位名称
    - generated_questions: 生成的问题（JSON字符串或对象）
    - standard_answer: 标准答案（可选）

    返回:
    - success: 是否成功
    - message: 提示信息
    - session_id: 会话ID
    """

    # 从工作流输入获取参数
    session_id = inputs.get('session_id', '')
    job_title = inputs.get('job_title', '')
    generated_questions = inputs.get('generated_questions', '')
    standard_answer = inputs.get('standard_answer', '')

    # 验证必需参数
    if not session_id:
        return {
            "success": False,
            "message": "缺少必需参数: session_id",
            "session_id": ""
        }

    # 准备会话数据
    session_data = {
        "jobTitle": job_title,
        "generatedQuestions": generated_questions,
        "standardAnswer": standard_answer,
        "createdAt": inputs.get('created_at', ''),
        "requestType": "generate_questions"
    }

    # 调用后端 API 保存会话数据
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

        if response.status_code == 200:
            result = response.json()
            return {
                "success": True,
                "message": "会话数据保存成功",
                "session_id": session_id,
                "saved_data": session_data
            }
        else:
            return {
                "success": False,
                "message": f"保存失败: {response.text}",
                "session_id": session_id
            }

    except Exception as e:
        return {
            "success": False,
            "message": f"保存会话失败: {str(e)}",
            "session_id": session_id
        }
