"""Creates the sessions the load scripts read and patch: seed.py BASE_URL [COUNT].

Each is a typical interview session of about 700 bytes, saved through the seed API.
"""
import json
import sys
import urllib.request

base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:3001"
count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
for i in range(1, count + 1):
    data = {
        "jobTitle": "Java 后端工程师",
        "generatedQuestions": "1. 解释 JVM 内存模型。\n2. G1 与 ZGC 的区别？\n3. 如何排查线上 CPU 飙高？\n4. 讲讲 HashMap 的扩容。",
        "standardAnswer": "JVM 内存分为堆、栈、方法区……" * 4,
        "createdAt": "2025-10-10T10:00:00Z",
        "requestType": "generate_questions",
        "overallScore": 0,
    }
    body = json.dumps({"sessionId": "bench-%d" % i, "sessionData": data}).encode()
    req = urllib.request.Request(base + "/api/interview/sessions", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        assert r.status == 200, r.status
print("seeded %d sessions" % count)
