"""The emulator's pages for people, in Thai: LINE Login's consent screen and a phone-like
chat showing what the official account sent each user (Flex messages drawn simply)."""

from __future__ import annotations

import datetime
from html import escape

STYLE = """
body { font-family: "Sarabun", "Noto Sans Thai", "Loma", sans-serif; margin: 0;
  background: #e9edf1; }
main { max-width: 26rem; margin: 0 auto; min-height: 100vh; background: #8fa8c8; }
header { background: #06c755; color: #fff; padding: .8rem 1rem; font-weight: 700; }
.chat { padding: 1rem .8rem; display: flex; flex-direction: column; gap: .8rem; }
.bubble { background: #fff; border-radius: 14px; padding: .7rem .9rem; max-width: 85%; }
.bubble p { margin: .2rem 0; } .bubble .alt { color: #667; font-size: .8rem; }
.bubble a.button { display: block; text-align: center; margin-top: .5rem; padding: .55rem;
  border-radius: 8px; background: #06c755; color: #fff; text-decoration: none; font-weight: 700; }
.time { font-size: .75rem; color: #f4f6f8; }
.panel { background: #fff; margin: 1rem; padding: 1rem; border-radius: 12px; }
button { font: inherit; min-height: 44px; padding: .5rem 1.2rem; border-radius: 8px; border: 0;
  background: #06c755; color: #fff; font-weight: 700; }
button.secondary { background: #ccd; color: #223; }
input[type=text] { font: inherit; width: 100%; box-sizing: border-box; padding: .5rem; }
.note { font-size: .8rem; color: #556; }
"""


def frame(title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="th"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · LINE (จำลอง)</title><style>{STYLE}</style></head>
<body><main>{body}</main></body></html>"""


def phone_index(users) -> str:
    items = "".join(
        f'<li><a href="/phone/{escape(u.user_id)}">{escape(u.display_name)}</a>'
        f" ({len(u.messages)} ข้อความ{'' if u.following else ', ยังไม่ได้เป็นเพื่อน'})</li>"
        for u in users
    )
    return frame(
        "LINE (จำลอง)",
        f"<header>LINE (จำลอง)</header><div class='panel'><p>ผู้ใช้ LINE ในตัวจำลอง</p>"
        f"<ul>{items or '<li>ยังไม่มีผู้ใช้</li>'}</ul></div>",
    )


def _flex(node) -> str:
    """A Flex bubble drawn simply: its texts in order and its URI buttons as links."""
    if isinstance(node, list):
        return "".join(_flex(item) for item in node)
    if not isinstance(node, dict):
        return ""
    kind = node.get("type")
    if kind == "text":
        return f"<p>{escape(node.get('text', ''))}</p>"
    if kind == "button":
        action = node.get("action") or {}
        if action.get("type") == "uri":
            return (
                f'<a class="button" href="{escape(action.get("uri", ""))}">'
                f"{escape(action.get('label', ''))}</a>"
            )
        return ""
    parts = [node.get(key) for key in ("header", "hero", "body", "footer") if node.get(key)]
    parts.extend(node.get("contents") or [])
    return "".join(_flex(part) for part in parts)


def _message(message: dict) -> str:
    when = datetime.datetime.fromtimestamp(
        message["sentAt"] / 1000, datetime.timezone(datetime.timedelta(hours=7))
    ).strftime("%H:%M")
    if message.get("type") == "flex":
        inner = _flex(message.get("contents")) + f'<p class="alt">{escape(message["altText"])}</p>'
    else:
        inner = "".join(f"<p>{escape(line)}</p>" for line in message.get("text", "").splitlines())
    return (
        f'<div class="message"><div class="bubble">{inner}</div>'
        f'<span class="time">{when}</span></div>'
    )


def phone_chat(user) -> str:
    chat = "".join(_message(m) for m in user.messages) or (
        "<div class='panel'>ยังไม่มีข้อความจากบัญชีทางการ</div>"
    )
    return frame(
        user.display_name,
        f"<header>ข้อความถึง {escape(user.display_name)}</header><div class='chat'>{chat}</div>",
    )


def authorize(query: dict) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{escape(key)}" value="{escape(query.get(key, ""))}">'
        for key in ("client_id", "redirect_uri", "state", "scope", "nonce")
    )
    prompt = bool(query.get("bot_prompt"))
    name = escape(query.get("name", "ผู้ใช้ LINE ทดลอง"))
    friend = (
        '<p><label><input type="checkbox" name="add_friend" checked> '
        "เพิ่มบัญชีทางการของการอบรมเป็นเพื่อน (รับการแจ้งเตือน)</label></p>"
        if prompt
        else ""
    )
    return frame(
        "เข้าสู่ระบบด้วย LINE",
        f"""<header>LINE Login (จำลอง)</header>
<form method="post" class="panel">{hidden}
<h1>เข้าสู่ระบบด้วย LINE</h1>
<p>แพลตฟอร์มการอบรมขอใช้ข้อมูลโปรไฟล์ LINE ของคุณ (รหัสผู้ใช้และชื่อที่แสดง)</p>
<p><label for="display_name">ชื่อที่แสดงใน LINE</label>
<input type="text" id="display_name" name="display_name" value="{name}"></p>
{friend}
<p><button type="submit" name="decision" value="allow">อนุญาต</button>
<button type="submit" name="decision" value="deny" class="secondary">ยกเลิก</button></p>
<p class="note">หน้านี้เป็นตัวจำลองสำหรับการพัฒนาและการทดสอบ ไม่ได้เชื่อมต่อกับ LINE จริง</p>
</form>""",
    )
