"""The message templates, each in the physician's languages ({hcp_name}/{rep_name} fields).
A template without the share's language falls back to English, and Personalize says so.
(Compliance will make templates admin content in the catalog; the per-language shape stays.)"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

DEFAULT_LANGUAGE = "en"

TEMPLATES: dict[str, dict[str, str]] = {
    "follow-up": {
        "en": "Dear {hcp_name},\n\nThank you for your time today. Here is the short video I "
        "promised, with the approved material we discussed below it.\n\nBest regards,\n{rep_name}",
        "de": "Sehr geehrte(r) {hcp_name},\n\nvielen Dank für Ihre Zeit heute. Hier ist das "
        "versprochene kurze Video, darunter die freigegebenen Unterlagen, über die wir "
        "gesprochen haben.\n\nMit freundlichen Grüßen\n{rep_name}",
        "fr": "Bonjour {hcp_name},\n\nMerci pour votre temps aujourd’hui. Voici la courte vidéo "
        "promise, avec en dessous les documents approuvés dont nous avons parlé.\n\n"
        "Bien cordialement,\n{rep_name}",
        "es": "Estimado/a {hcp_name}:\n\nGracias por su tiempo hoy. Aquí tiene el breve vídeo que "
        "le prometí, con los materiales aprobados que comentamos debajo.\n\nUn cordial "
        "saludo,\n{rep_name}",
        "it": "Gentile {hcp_name},\n\ngrazie per il tempo che mi ha dedicato oggi. Ecco il breve "
        "video promesso, con sotto i materiali approvati di cui abbiamo parlato.\n\n"
        "Cordiali saluti,\n{rep_name}",
        "ja": "{hcp_name} 先生\n\n本日はお時間をいただきありがとうございました。"
        "お約束した短い動画をお送りします。お話しした承認済み資料は動画の下にございます。\n\n{rep_name}",
    },
    "answer": {
        "en": "Dear {hcp_name},\n\nYou asked a good question when we met; I recorded a short "
        "answer for you. The approved references are attached below the video.\n\nKind "
        "regards,\n{rep_name}",
        "de": "Sehr geehrte(r) {hcp_name},\n\nSie haben bei unserem Treffen eine gute Frage "
        "gestellt; ich habe Ihnen eine kurze Antwort aufgenommen. Die freigegebenen Quellen "
        "finden Sie unter dem Video.\n\nFreundliche Grüße\n{rep_name}",
    },
    "meeting": {
        "en": "Dear {hcp_name},\n\nA quick video introduction from me. I would welcome 15 "
        "minutes with you in the coming weeks; just reply to this message.\n\nThank you,\n"
        "{rep_name}",
        "de": "Sehr geehrte(r) {hcp_name},\n\neine kurze Vorstellung per Video. Ich würde mich "
        "über 15 Minuten mit Ihnen in den nächsten Wochen freuen; antworten Sie einfach auf "
        "diese Nachricht.\n\nVielen Dank\n{rep_name}",
    },
}


def template_title(key: str) -> str:
    titles = {
        "follow-up": QCoreApplication.translate("templates", "Follow-up after a visit"),
        "answer": QCoreApplication.translate("templates", "Answer to a question"),
        "meeting": QCoreApplication.translate("templates", "Meeting request"),
    }
    return titles[key]


def template_text(key: str, language: str) -> tuple[str, str]:
    """(text, the language it is in): the template in `language`, else in English."""
    texts = TEMPLATES[key]
    if language in texts:
        return texts[language], language
    return texts[DEFAULT_LANGUAGE], DEFAULT_LANGUAGE
