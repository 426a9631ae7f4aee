import json
import requests

def main(inputs: dict) -> dict:
    """
    从 Redis 加载会话数据

    输入参数:
    - session_id: 会话ID

    返回:
    - success: 是否成功
    - session_data: 会话数据（包含 jobTitle, generatedQuestions, standardAnswer 等）
    - message: 提示信息
    """

    session_id = inputs.get('session_id', '')

    # 验证必需参数
    if not session_id:
        return {
            "success": False,
            "message": "缺少必需参数: session_id",
            "session_data": {}
        }

    # 调用后端 API 加载会话数据
    try:
        api_url = f"http://localhost:3001/api/interview/sessions/{session_id}"

        response = requests.get(
            api_url,
            headers={"Content-Type": "application/json"},
            timeout=10
        )

        if response.status_code == 200:
            result = response.json()
            session_data = result.get('data', {}).get('sessionData', {})

            return {
                "success": True,
                "message": "会话数据加载成功",
                "session_data": session_data,
                "job_title": session_data.get('jobTitle', ''),
                "generated_questions": session_data.get('generatedQuestions', ''),
                "standard_answer": session_data.get('standardAnswer', '')
            }
        elif response.status_code == 404:
            return {
                "success": False,
                "message": "会话不存在或已过期",
                "session_data": {}
            }
        else:
            return {
                "success": False,
                "message": f"加载失败: {response.text}",
                "session_data": {}
            }

    except Exception as e:
        return {
            "success": False,
            "message": f"加载会话失败: {str(e)}",
            "session_data": {}
        }
