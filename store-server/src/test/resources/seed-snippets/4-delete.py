import requests

def main(inputs: dict) -> dict:
    """
    删除会话数据

    输入参数:
    - session_id: 会话ID

    返回:
    - success: 是否成功
    - message: 提示信息
    """

    session_id = inputs.get('session_id', '')

    if not session_id:
        return {
            "success": False,
            "message": "缺少必需参数: session_id"
        }

    try:
        api_url = f"http://localhost:3001/api/interview/sessions/{session_id}"

        response = requests.delete(
            api_url,
            headers={"Content-Type": "application/json"},
            timeout=10
        )

        if response.status_code == 200:
            return {
                "success": True,
                "message": "会话数据删除成功",
                "session_id": session_id
            }
        else:
            return {
                "success": False,
                "message": f"删除失败: {response.text}"
            }

    except Exception as e:
        return {
            "success": False,
            "message": f"删除会话失败: {str(e)}"
        }
