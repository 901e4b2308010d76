<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>caption_panel</name>
    <message>
        <source>Captions</source>
        <translation>Untertitel</translation>
    </message>
    <message>
        <source>Caption cues</source>
        <translation>Untertitel-Einträge</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Anfang</translation>
    </message>
    <message>
        <source>End</source>
        <translation>Ende</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>Start 0.1 s earlier</source>
        <translation>Anfang 0,1 s früher</translation>
    </message>
    <message>
        <source>Start 0.1 s later</source>
        <translation>Anfang 0,1 s später</translation>
    </message>
    <message>
        <source>Start the cue at the playhead</source>
        <translation>Eintrag an der Abspielposition beginnen</translation>
    </message>
    <message>
        <source>End 0.1 s earlier</source>
        <translation>Ende 0,1 s früher</translation>
    </message>
    <message>
        <source>End 0.1 s later</source>
        <translation>Ende 0,1 s später</translation>
    </message>
    <message>
        <source>End the cue at the playhead</source>
        <translation>Eintrag an der Abspielposition beenden</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>A new cue at the playhead</source>
        <translation>Ein neuer Eintrag an der Abspielposition</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Delete the selected cue</source>
        <translation>Den ausgewählten Eintrag löschen</translation>
    </message>
    <message>
        <source>Captions as you left them.</source>
        <translation>Untertitel, wie Sie sie verlassen haben.</translation>
    </message>
    <message>
        <source>Making captions…</source>
        <translation>Untertitel werden erstellt…</translation>
    </message>
    <message>
        <source>No captions: %1</source>
        <translation>Keine Untertitel: %1</translation>
    </message>
    <message>
        <source>Cut away by the trim</source>
        <translation>Durch den Zuschnitt entfernt</translation>
    </message>
    <message>
        <source>A cue needs text; delete it instead.</source>
        <translation>Ein Eintrag braucht Text; löschen Sie ihn stattdessen.</translation>
    </message>
    <message>
        <source>No room for a cue here; move the playhead.</source>
        <translation>Hier ist kein Platz für einen Eintrag; verschieben Sie die Abspielposition.</translation>
    </message>
    <message>
        <source>New caption</source>
        <translation>Neuer Untertitel</translation>
    </message>
    <message>
        <source>Captions recognised from speech ({name}); check them.</source>
        <translation>Untertitel aus der Sprache erkannt ({name}); bitte prüfen.</translation>
    </message>
    <message>
        <source>Captions from the script (no speech recogniser is set up); check their timing.</source>
        <translation>Untertitel aus dem Skript (keine Spracherkennung eingerichtet); prüfen Sie die Zeiten.</translation>
    </message>
    <message>
        <source>Captions from the script ({reason}); check their timing.</source>
        <translation>Untertitel aus dem Skript ({reason}); prüfen Sie die Zeiten.</translation>
    </message>
    <message>
        <source>No captions: no script was read and no speech recogniser is set up. Add cues by hand or attach a caption file.</source>
        <translation>Keine Untertitel: Es wurde kein Skript gelesen und keine Spracherkennung ist eingerichtet. Fügen Sie Einträge von Hand hinzu oder hängen Sie eine Untertiteldatei an.</translation>
    </message>
</context>
<context>
    <name>confirm</name>
    <message>
        <source>Keep</source>
        <translation>Behalten</translation>
    </message>
</context>
<context>
    <name>content_picker</name>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Approval code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Search approved content by title or approval code</source>
        <translation>Freigegebene Inhalte nach Titel oder Freigabecode suchen</translation>
    </message>
    <message>
        <source>Search approved content</source>
        <translation>Freigegebene Inhalte suchen</translation>
    </message>
    <message>
        <source>Approved content</source>
        <translation>Freigegebene Inhalte</translation>
    </message>
    <message>
        <source>Selected content</source>
        <translation>Ausgewählter Inhalt</translation>
    </message>
    <message>
        <source>not checked</source>
        <translation>nicht geprüft</translation>
    </message>
    <message>
        <source>{usable} of {items} items can be sent today · catalog {value} · page approval code {page_approval_code}</source>
        <translation>{usable} von {items} Inhalten können heute gesendet werden · Katalog {value} · Freigabecode der Seite {page_approval_code}</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>Verfügbar</translation>
    </message>
    <message>
        <source>{title} — version {version}</source>
        <translation>{title} — Version {version}</translation>
    </message>
    <message>
        <source>{title} — cannot be attached: {reason}</source>
        <translation>{title} — kann nicht angehängt werden: {reason}</translation>
    </message>
    <message>
        <source>{title}: cannot be attached — {value}.</source>
        <translation>{title}: kann nicht angehängt werden — {value}.</translation>
    </message>
    <message>
        <source>{title} · {text} · version {version}</source>
        <translation>{title} · {text} · Version {version}</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Abgelaufen</translation>
    </message>
    <message>
        <source>Not valid yet</source>
        <translation>Noch nicht gültig</translation>
    </message>
</context>
<context>
    <name>core_bridge</name>
    <message>
        <source>{name} has no picture (audio only); pick a video file.</source>
        <translation>{name} hat kein Bild (nur Ton); wählen Sie eine Videodatei.</translation>
    </message>
</context>
<context>
    <name>cue_strip</name>
    <message>
        <source>Caption cues on the timeline</source>
        <translation>Untertitel-Einträge auf der Zeitleiste</translation>
    </message>
</context>
<context>
    <name>device_row</name>
    <message>
        <source>Set by your administrator.</source>
        <translation>Von Ihrem Administrator festgelegt.</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>Kamera</translation>
    </message>
    <message>
        <source>No camera found</source>
        <translation>Keine Kamera gefunden</translation>
    </message>
    <message>
        <source>Microphone</source>
        <translation>Mikrofon</translation>
    </message>
    <message>
        <source>No microphone found</source>
        <translation>Kein Mikrofon gefunden</translation>
    </message>
</context>
<context>
    <name>devices</name>
    <message>
        <source>Test pattern (demo)</source>
        <translation>Testbild (Demo)</translation>
    </message>
    <message>
        <source>Tone (demo)</source>
        <translation>Testton (Demo)</translation>
    </message>
    <message>
        <source>Silent microphone (demo)</source>
        <translation>Stummes Mikrofon (Demo)</translation>
    </message>
    <message>
        <source>The camera is no longer connected; pick another one.</source>
        <translation>Die Kamera ist nicht mehr angeschlossen; wählen Sie eine andere.</translation>
    </message>
    <message>
        <source>The camera cannot be used ({value}); allow camera access in your system settings, or import a video file.</source>
        <translation>Die Kamera kann nicht verwendet werden ({value}); erlauben Sie den Kamerazugriff in den Systemeinstellungen oder importieren Sie eine Videodatei.</translation>
    </message>
    <message>
        <source>The microphone is no longer connected; pick another one.</source>
        <translation>Das Mikrofon ist nicht mehr angeschlossen; wählen Sie ein anderes.</translation>
    </message>
    <message>
        <source>This microphone cannot record 48 kHz audio here; pick another microphone.</source>
        <translation>Dieses Mikrofon kann hier keinen Ton mit 48 kHz aufnehmen; wählen Sie ein anderes Mikrofon.</translation>
    </message>
    <message>
        <source>The microphone could not be opened; allow microphone access.</source>
        <translation>Das Mikrofon konnte nicht geöffnet werden; erlauben Sie den Mikrofonzugriff.</translation>
    </message>
</context>
<context>
    <name>embedded_server</name>
    <message>
        <source>The built-in share server did not start (see server.log in the app&apos;s data folder); add your company&apos;s target in Settings instead.</source>
        <translation>Der eingebaute Freigabeserver ist nicht gestartet (siehe server.log im Datenordner der App); fügen Sie stattdessen in den Einstellungen das Ziel Ihres Unternehmens hinzu.</translation>
    </message>
    <message>
        <source>Could not create a token for the built-in server: {stderr}</source>
        <translation>Für den eingebauten Server konnte kein Token erstellt werden: {stderr}</translation>
    </message>
    <message>
        <source>The built-in share server has no token yet; send again.</source>
        <translation>Der eingebaute Freigabeserver hat noch kein Token; senden Sie erneut.</translation>
    </message>
</context>
<context>
    <name>empty_state</name>
    <message>
        <source>RepVideo could not find a camera it may use. Connect a webcam, or allow camera access for this app in your system&apos;s privacy settings, then pick it above.
You can also send a video you already have.</source>
        <translation>RepVideo hat keine Kamera gefunden, die es verwenden darf. Schließen Sie eine Webcam an oder erlauben Sie dieser App den Kamerazugriff in den Datenschutzeinstellungen des Systems und wählen Sie sie dann oben aus.
Sie können auch ein Video senden, das Sie bereits haben.</translation>
    </message>
    <message>
        <source>No camera available</source>
        <translation>Keine Kamera verfügbar</translation>
    </message>
    <message>
        <source>Import a video file…</source>
        <translation>Videodatei importieren…</translation>
    </message>
    <message>
        <source>Import a video file</source>
        <translation>Videodatei importieren</translation>
    </message>
    <message>
        <source>Try it with a test pattern</source>
        <translation>Mit einem Testbild ausprobieren</translation>
    </message>
    <message>
        <source>Use the demo test-pattern camera and tone microphone</source>
        <translation>Die Demo-Kamera mit Testbild und das Demo-Mikrofon mit Testton verwenden</translation>
    </message>
    <message>
        <source>The same as starting RepVideo with --demo-devices</source>
        <translation>Wie der Start von RepVideo mit --demo-devices</translation>
    </message>
</context>
<context>
    <name>failed_sends</name>
    <message>
        <source>Delete this send</source>
        <translation>Diese Sendung löschen</translation>
    </message>
    <message>
        <source>Delete this send from the outbox? It will not be sent, and a link already handed out stops working. Your recording stays on this computer.</source>
        <translation>Diese Sendung aus dem Postausgang löschen? Sie wird nicht gesendet, und ein bereits weitergegebener Link funktioniert nicht mehr. Ihre Aufnahme bleibt auf diesem Computer.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Save the video</source>
        <translation>Video speichern</translation>
    </message>
    <message>
        <source>RepVideo video.mp4</source>
        <translation>RepVideo-Video.mp4</translation>
    </message>
    <message>
        <source>MP4 video (*.mp4)</source>
        <translation>MP4-Video (*.mp4)</translation>
    </message>
    <message>
        <source>Saved the video as {value}.</source>
        <translation>Video gespeichert als {value}.</translation>
    </message>
    <message>
        <source>Could not save the video: {error}</source>
        <translation>Video konnte nicht gespeichert werden: {error}</translation>
    </message>
    <message>
        <source>Saving the video…</source>
        <translation>Video wird gespeichert…</translation>
    </message>
</context>
<context>
    <name>failure_panel</name>
    <message>
        <source>Why it was not sent</source>
        <translation>Warum es nicht gesendet wurde</translation>
    </message>
    <message>
        <source>How to fix it</source>
        <translation>So beheben Sie es</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>Jetzt erneut versuchen</translation>
    </message>
    <message>
        <source>Retry sending now</source>
        <translation>Senden jetzt erneut versuchen</translation>
    </message>
    <message>
        <source>Open Settings</source>
        <translation>Einstellungen öffnen</translation>
    </message>
    <message>
        <source>Open Settings to fix the target</source>
        <translation>Einstellungen öffnen, um das Ziel zu korrigieren</translation>
    </message>
    <message>
        <source>Save the video elsewhere…</source>
        <translation>Video anderswo speichern…</translation>
    </message>
    <message>
        <source>Save the video to a file</source>
        <translation>Video in eine Datei speichern</translation>
    </message>
    <message>
        <source>Delete this send</source>
        <translation>Diese Sendung löschen</translation>
    </message>
    <message>
        <source>Not sent yet: {reason} The video is kept in the outbox and is sent automatically as soon as the target can be reached. The link already works; until then it says the video is on its way.</source>
        <translation>Noch nicht gesendet: {reason} Das Video bleibt im Postausgang und wird automatisch gesendet, sobald das Ziel erreichbar ist. Der Link funktioniert bereits; bis dahin zeigt er an, dass das Video unterwegs ist.</translation>
    </message>
    <message>
        <source>Not sent yet: {reason} The video is kept in the outbox and is sent automatically as soon as the target can be reached.</source>
        <translation>Noch nicht gesendet: {reason} Das Video bleibt im Postausgang und wird automatisch gesendet, sobald das Ziel erreichbar ist.</translation>
    </message>
    <message>
        <source>Not sent: {reason}</source>
        <translation>Nicht gesendet: {reason}</translation>
    </message>
</context>
<context>
    <name>import_dialog</name>
    <message>
        <source>Videos (*.mp4 *.mov *.m4v *.mkv *.webm *.avi);;All files (*)</source>
        <translation>Videos (*.mp4 *.mov *.m4v *.mkv *.webm *.avi);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Import a video file</source>
        <translation>Videodatei importieren</translation>
    </message>
</context>
<context>
    <name>keychain_help</name>
    <message>
        <source>RepVideo keeps its access tokens in the system keychain, and none is running. Install GNOME Keyring (for example: sudo apt install gnome-keyring) or KWallet, log out and in again so that it starts and unlocks with your login, then press Retry.</source>
        <translation>RepVideo bewahrt seine Zugangstoken im Schlüsselbund des Systems auf, und es läuft keiner. Installieren Sie GNOME Keyring (zum Beispiel: sudo apt install gnome-keyring) oder KWallet, melden Sie sich ab und wieder an, damit er mit Ihrer Anmeldung startet und entsperrt wird, und klicken Sie dann auf Erneut versuchen.</translation>
    </message>
    <message>
        <source>RepVideo keeps its access tokens in the macOS keychain, and it is locked. Open Keychain Access, unlock the “login” keychain (File → Unlock Keychain), then press Retry.</source>
        <translation>RepVideo bewahrt seine Zugangstoken im macOS-Schlüsselbund auf, und dieser ist gesperrt. Öffnen Sie die Schlüsselbundverwaltung, entsperren Sie den Schlüsselbund „Anmeldung“ (Ablage → Schlüsselbund entsperren) und klicken Sie dann auf Erneut versuchen.</translation>
    </message>
    <message>
        <source>RepVideo keeps its access tokens in Windows Credential Manager, which is not available to this account. Sign in with your own Windows account (not a guest or kiosk account), then press Retry; your IT team can help if it stays unavailable.</source>
        <translation>RepVideo bewahrt seine Zugangstoken in der Windows-Anmeldeinformationsverwaltung auf, die für dieses Konto nicht verfügbar ist. Melden Sie sich mit Ihrem eigenen Windows-Konto an (kein Gast- oder Kioskkonto) und klicken Sie dann auf Erneut versuchen; Ihr IT-Team hilft, wenn sie nicht verfügbar bleibt.</translation>
    </message>
</context>
<context>
    <name>language_picker</name>
    <message>
        <source>Language of the physician&apos;s page</source>
        <translation>Sprache der Seite für den Arzt</translation>
    </message>
</context>
<context>
    <name>many_recipients</name>
    <message>
        <source>Other physicians</source>
        <translation>Weitere Ärztinnen und Ärzte</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>Link</translation>
    </message>
    <message>
        <source>Add a physician</source>
        <translation>Arzt hinzufügen</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Remove the selected physician</source>
        <translation>Ausgewählten Arzt entfernen</translation>
    </message>
    <message>
        <source>Paste list</source>
        <translation>Liste einfügen</translation>
    </message>
    <message>
        <source>Import CSV…</source>
        <translation>CSV importieren…</translation>
    </message>
    <message>
        <source>Copy all links</source>
        <translation>Alle Links kopieren</translation>
    </message>
    <message>
        <source>Recipients problem</source>
        <translation>Problem mit den Empfängern</translation>
    </message>
    <message>
        <source>Also send this video to other physicians: each gets a page of their own with their name; the video is uploaded once. A list needs a header row: name, email, language.</source>
        <translation>Dieses Video auch an weitere Ärztinnen und Ärzte senden: Jede und jeder erhält eine eigene Seite mit dem eigenen Namen; das Video wird nur einmal hochgeladen. Eine Liste braucht eine Kopfzeile: name, email, language.</translation>
    </message>
    <message>
        <source>Send to more physicians…</source>
        <translation>An weitere Ärztinnen und Ärzte senden…</translation>
    </message>
    <message>
        <source>Import physicians</source>
        <translation>Ärzte importieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv *.txt)</source>
        <translation>CSV-Dateien (*.csv *.txt)</translation>
    </message>
    <message>
        <source>row {n}</source>
        <translation>Zeile {n}</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Wartet</translation>
    </message>
    <message>
        <source>Copy the link for {name}</source>
        <translation>Link für {name} kopieren</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Link ready; the outbox finishes the upload</source>
        <translation>Link bereit; der Postausgang schließt das Hochladen ab</translation>
    </message>
    <message>
        <source>Not sent: {reason}</source>
        <translation>Nicht gesendet: {reason}</translation>
    </message>
    <message>
        <source>Sending cancelled.</source>
        <translation>Senden abgebrochen.</translation>
    </message>
</context>
<context>
    <name>mode_picker</name>
    <message>
        <source>Camera only</source>
        <translation>Nur Kamera</translation>
    </message>
    <message>
        <source>Screen only</source>
        <translation>Nur Bildschirm</translation>
    </message>
    <message>
        <source>Screen + camera bubble</source>
        <translation>Bildschirm + Kamerablase</translation>
    </message>
    <message>
        <source>Small</source>
        <translation>Klein</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>Mittel</translation>
    </message>
    <message>
        <source>Large</source>
        <translation>Groß</translation>
    </message>
    <message>
        <source>What to record</source>
        <translation>Was aufgenommen wird</translation>
    </message>
    <message>
        <source>Camera bubble size</source>
        <translation>Größe der Kamerablase</translation>
    </message>
    <message>
        <source>Bubble</source>
        <translation>Blase</translation>
    </message>
    <message>
        <source>Drag the bubble to any corner.</source>
        <translation>Ziehen Sie die Blase in eine beliebige Ecke.</translation>
    </message>
    <message>
        <source>Screen or window to record</source>
        <translation>Aufzunehmender Bildschirm oder aufzunehmendes Fenster</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>Aufnehmen</translation>
    </message>
</context>
<context>
    <name>notifier</name>
    <message>
        <source>{who} asked for a call back</source>
        <translation>{who} bittet um einen Rückruf</translation>
    </message>
    <message>
        <source>{who} asked for the materials by email</source>
        <translation>{who} bittet um die Unterlagen per E-Mail</translation>
    </message>
    <message>
        <source>{who} replied</source>
        <translation>{who} hat geantwortet</translation>
    </message>
    <message>
        <source>{who} answered</source>
        <translation>{who} hat reagiert</translation>
    </message>
    <message>
        <source>A physician</source>
        <translation>Eine Ärztin oder ein Arzt</translation>
    </message>
    <message>
        <source>{who} watched {percent} % of one of your videos</source>
        <translation>{who} hat {percent} % eines Ihrer Videos angesehen</translation>
    </message>
    <message>
        <source>{who} watched {percent} % of your video</source>
        <translation>{who} hat {percent} % Ihres Videos angesehen</translation>
    </message>
    <message>
        <source>{who} opened one of your videos</source>
        <translation>{who} hat eines Ihrer Videos geöffnet</translation>
    </message>
    <message>
        <source>{who} opened your video</source>
        <translation>{who} hat Ihr Video geöffnet</translation>
    </message>
</context>
<context>
    <name>personalize_screen</name>
    <message>
        <source>Personalize</source>
        <translation>Personalisieren</translation>
    </message>
    <message>
        <source>Dr. Jane Lee</source>
        <translation>Dr. Anna Schmidt</translation>
    </message>
    <message>
        <source>Recipient name</source>
        <translation>Name des Empfängers</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>optional</translation>
    </message>
    <message>
        <source>Recipient email</source>
        <translation>E-Mail des Empfängers</translation>
    </message>
    <message>
        <source>Recipient phone</source>
        <translation>Telefon des Empfängers</translation>
    </message>
    <message>
        <source>Message template</source>
        <translation>Nachrichtenvorlage</translation>
    </message>
    <message>
        <source>Personal message</source>
        <translation>Persönliche Nachricht</translation>
    </message>
    <message>
        <source>A short personal note shown above the video.</source>
        <translation>Eine kurze persönliche Notiz über dem Video.</translation>
    </message>
    <message>
        <source>Restricted words in the message</source>
        <translation>Eingeschränkte Begriffe in der Nachricht</translation>
    </message>
    <message>
        <source>Your name, as the doctor knows you</source>
        <translation>Ihr Name, wie der Arzt Sie kennt</translation>
    </message>
    <message>
        <source>Your name (sender)</source>
        <translation>Ihr Name (Absender)</translation>
    </message>
    <message>
        <source>Start with a 2-second intro card</source>
        <translation>Mit einer 2-Sekunden-Titelkarte beginnen</translation>
    </message>
    <message>
        <source>Add intro card</source>
        <translation>Titelkarte hinzufügen</translation>
    </message>
    <message>
        <source>A title card before the video: “For Dr. … from …”</source>
        <translation>Eine Titelkarte vor dem Video: „Für Dr. … von …“</translation>
    </message>
    <message>
        <source>Recipient</source>
        <translation>Empfänger</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Page language</source>
        <translation>Sprache der Seite</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Vorlage</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Recipient and message</source>
        <translation>Empfänger und Nachricht</translation>
    </message>
    <message>
        <source>Approved content to attach</source>
        <translation>Freigegebene Inhalte zum Anhängen</translation>
    </message>
    <message>
        <source>Next: Send</source>
        <translation>Weiter: Senden</translation>
    </message>
    <message>
        <source>Approved template {approval_code}</source>
        <translation>Freigegebene Vorlage {approval_code}</translation>
    </message>
    <message>
        <source>This template has no %1 version: it is in %2.</source>
        <translation>Diese Vorlage hat keine Fassung in %1: Sie ist in %2.</translation>
    </message>
    <message>
        <source>Set by your administrator</source>
        <translation>Von Ihrem Administrator festgelegt</translation>
    </message>
    <message>
        <source>Enter the recipient&apos;s name; it appears on their page.</source>
        <translation>Geben Sie den Namen des Empfängers ein; er erscheint auf seiner Seite.</translation>
    </message>
    <message>
        <source>Enter your name; the page shows who the video is from.</source>
        <translation>Geben Sie Ihren Namen ein; die Seite zeigt, von wem das Video ist.</translation>
    </message>
    <message>
        <source>Choose an approved message template: your administrator&apos;s policy allows only those.</source>
        <translation>Wählen Sie eine freigegebene Nachrichtenvorlage: Die Richtlinie Ihres Administrators erlaubt nur diese.</translation>
    </message>
    <message>
        <source>Reword {words} first: the message cannot be sent with it.</source>
        <translation>Formulieren Sie zuerst {words} um: Damit kann die Nachricht nicht gesendet werden.</translation>
    </message>
    <message>
        <source>from the share server, {age_label}</source>
        <translation>vom Freigabeserver, {age_label}</translation>
    </message>
</context>
<context>
    <name>pickers</name>
    <message>
        <source>Waiting for permission to use the camera…</source>
        <translation>Warten auf die Erlaubnis, die Kamera zu verwenden…</translation>
    </message>
    <message>
        <source>RepVideo is not allowed to use the camera. Allow camera access for RepVideo in your system&apos;s privacy settings, then pick the camera again — or import a video.</source>
        <translation>RepVideo darf die Kamera nicht verwenden. Erlauben Sie RepVideo den Kamerazugriff in den Datenschutzeinstellungen des Systems und wählen Sie die Kamera dann erneut — oder importieren Sie ein Video.</translation>
    </message>
</context>
<context>
    <name>poster_picker</name>
    <message>
        <source>Poster frame</source>
        <translation>Vorschaubild</translation>
    </message>
    <message>
        <source>Best frame</source>
        <translation>Bestes Bild</translation>
    </message>
    <message>
        <source>Pick the poster frame automatically</source>
        <translation>Vorschaubild automatisch wählen</translation>
    </message>
    <message>
        <source>The frame RepVideo picks as the best one</source>
        <translation>Das Bild, das RepVideo als bestes wählt</translation>
    </message>
    <message>
        <source>Poster frame time</source>
        <translation>Zeitpunkt des Vorschaubilds</translation>
    </message>
    <message>
        <source>Poster frame preview</source>
        <translation>Vorschau des Vorschaubilds</translation>
    </message>
    <message>
        <source>Finding the best frame…</source>
        <translation>Bestes Bild wird gesucht…</translation>
    </message>
    <message>
        <source>No preview</source>
        <translation>Keine Vorschau</translation>
    </message>
    <message>
        <source>Frame at {t:.1f} s</source>
        <translation>Bild bei {t:.1f} s</translation>
    </message>
</context>
<context>
    <name>preview</name>
    <message>
        <source>Camera preview</source>
        <translation>Kameravorschau</translation>
    </message>
    <message>
        <source>Video player</source>
        <translation>Videoplayer</translation>
    </message>
    <message>
        <source>Microphone level</source>
        <translation>Mikrofonpegel</translation>
    </message>
    <message>
        <source>no sound</source>
        <translation>kein Ton</translation>
    </message>
    <message>
        <source>{dbfs:.0f} dB</source>
        <translation>{dbfs:.0f} dB</translation>
    </message>
</context>
<context>
    <name>prompter_panel</name>
    <message>
        <source>Hi {hcp_name}, it&apos;s {rep_name}.
Thank you for your time today. As promised, here is the summary we discussed, and the approved material is linked below this video.
If you have any questions, reply to this message or call me. Have a great day!</source>
        <translation>Hallo {hcp_name}, hier ist {rep_name}.
Vielen Dank für Ihre Zeit heute. Wie versprochen hier die Zusammenfassung unseres Gesprächs; das freigegebene Material ist unter diesem Video verlinkt.
Wenn Sie Fragen haben, antworten Sie auf diese Nachricht oder rufen Sie mich an. Einen schönen Tag noch!</translation>
    </message>
    <message>
        <source>[recipient&apos;s name]</source>
        <translation>[Name des Empfängers]</translation>
    </message>
    <message>
        <source>[your name]</source>
        <translation>[Ihr Name]</translation>
    </message>
    <message>
        <source>Very slow</source>
        <translation>Sehr langsam</translation>
    </message>
    <message>
        <source>Slow</source>
        <translation>Langsam</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>Normal</translation>
    </message>
    <message>
        <source>Fast</source>
        <translation>Schnell</translation>
    </message>
    <message>
        <source>Very fast</source>
        <translation>Sehr schnell</translation>
    </message>
    <message>
        <source>Teleprompter</source>
        <translation>Teleprompter</translation>
    </message>
    <message>
        <source>Show teleprompter</source>
        <translation>Teleprompter anzeigen</translation>
    </message>
    <message>
        <source>Approved teleprompter script</source>
        <translation>Freigegebenes Teleprompter-Skript</translation>
    </message>
    <message>
        <source>Approval of the teleprompter script</source>
        <translation>Freigabe des Teleprompter-Skripts</translation>
    </message>
    <message>
        <source>Teleprompter script</source>
        <translation>Teleprompter-Skript</translation>
    </message>
    <message>
        <source>Your script; {hcp_name} and {rep_name} are filled in.</source>
        <translation>Ihr Skript; {hcp_name} und {rep_name} werden ausgefüllt.</translation>
    </message>
    <message>
        <source>Teleprompter scroll speed</source>
        <translation>Laufgeschwindigkeit des Teleprompters</translation>
    </message>
    <message>
        <source>Fields: {hcp_name}, {rep_name}</source>
        <translation>Felder: {hcp_name}, {rep_name}</translation>
    </message>
    <message>
        <source>Restricted words in the script</source>
        <translation>Eingeschränkte Begriffe im Skript</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>Tempo</translation>
    </message>
    <message>
        <source>Approved script %1</source>
        <translation>Freigegebenes Skript %1</translation>
    </message>
    <message>
        <source>Edited: no longer the approved script.</source>
        <translation>Bearbeitet: nicht mehr das freigegebene Skript.</translation>
    </message>
</context>
<context>
    <name>record_button</name>
    <message>
        <source>  Start recording</source>
        <translation>  Aufnahme starten</translation>
    </message>
    <message>
        <source>  Cancel countdown</source>
        <translation>  Countdown abbrechen</translation>
    </message>
    <message>
        <source>  Stop recording</source>
        <translation>  Aufnahme beenden</translation>
    </message>
    <message>
        <source>  Saving…</source>
        <translation>  Wird gespeichert…</translation>
    </message>
    <message>
        <source>Start recording</source>
        <translation>Aufnahme starten</translation>
    </message>
    <message>
        <source>Cancel countdown</source>
        <translation>Countdown abbrechen</translation>
    </message>
    <message>
        <source>Stop recording</source>
        <translation>Aufnahme beenden</translation>
    </message>
</context>
<context>
    <name>record_screen</name>
    <message>
        <source>Under a minute is watched to the end most often.</source>
        <translation>Videos unter einer Minute werden am häufigsten bis zum Ende angesehen.</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>Aufnehmen</translation>
    </message>
    <message>
        <source>Microphone warning</source>
        <translation>Mikrofonwarnung</translation>
    </message>
    <message>
        <source>Elapsed time</source>
        <translation>Verstrichene Zeit</translation>
    </message>
    <message>
        <source>Import a video file…</source>
        <translation>Videodatei importieren…</translation>
    </message>
    <message>
        <source>Import a video file</source>
        <translation>Videodatei importieren</translation>
    </message>
    <message>
        <source>Mic</source>
        <translation>Mikro</translation>
    </message>
    <message>
        <source>No microphone found: the video will have no sound. Connect one or allow microphone access.</source>
        <translation>Kein Mikrofon gefunden: Das Video wird keinen Ton haben. Schließen Sie eines an oder erlauben Sie den Mikrofonzugriff.</translation>
    </message>
    <message>
        <source>No sound is coming in from the microphone. Check that it is not muted and that it is the one you speak into.</source>
        <translation>Vom Mikrofon kommt kein Ton. Prüfen Sie, dass es nicht stummgeschaltet ist und dass es das ist, in das Sie sprechen.</translation>
    </message>
    <message>
        <source>Could not start recording: {exc}</source>
        <translation>Aufnahme konnte nicht gestartet werden: {exc}</translation>
    </message>
    <message>
        <source>The recording could not be finished: {error}. It is kept in the recordings folder and offered for recovery on the next launch.</source>
        <translation>Die Aufnahme konnte nicht abgeschlossen werden: {error}. Sie bleibt im Aufnahmeordner und wird beim nächsten Start zur Wiederherstellung angeboten.</translation>
    </message>
    <message>
        <source> (stopped at the {max_length} maximum length)</source>
        <translation> (bei der Höchstlänge von {max_length} beendet)</translation>
    </message>
    <message>
        <source>Saved {duration} recording{limit}.</source>
        <translation>Aufnahme von {duration} gespeichert{limit}.</translation>
    </message>
    <message>
        <source>Checking {name}…</source>
        <translation>{name} wird geprüft…</translation>
    </message>
    <message>
        <source>Import cancelled.</source>
        <translation>Import abgebrochen.</translation>
    </message>
    <message>
        <source>Imported {name}.</source>
        <translation>{name} importiert.</translation>
    </message>
</context>
<context>
    <name>recovery_dialog</name>
    <message>
        <source>Started {when} — nothing was saved</source>
        <translation>Begonnen {when} — nichts wurde gespeichert</translation>
    </message>
    <message>
        <source>Started {when} — {seconds} can be recovered</source>
        <translation>Begonnen {when} — {seconds} können wiederhergestellt werden</translation>
    </message>
    <message>
        <source>Recover</source>
        <translation>Wiederherstellen</translation>
    </message>
    <message>
        <source>Recover: {describe}</source>
        <translation>Wiederherstellen: {describe}</translation>
    </message>
    <message>
        <source>Discard…</source>
        <translation>Verwerfen…</translation>
    </message>
    <message>
        <source>Discard: {describe}</source>
        <translation>Verwerfen: {describe}</translation>
    </message>
    <message>
        <source>Recover recordings</source>
        <translation>Aufnahmen wiederherstellen</translation>
    </message>
    <message>
        <source>RepVideo found 1 recording that did not finish</source>
        <translation>RepVideo hat 1 Aufnahme gefunden, die nicht abgeschlossen wurde</translation>
    </message>
    <message>
        <source>RepVideo found {count} recordings that did not finish</source>
        <translation>RepVideo hat {count} Aufnahmen gefunden, die nicht abgeschlossen wurden</translation>
    </message>
    <message>
        <source> (the app or the computer stopped while recording). Nothing is deleted unless you discard it.</source>
        <translation> (die App oder der Computer wurde während der Aufnahme beendet). Nichts wird gelöscht, solange Sie es nicht verwerfen.</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>Später</translation>
    </message>
    <message>
        <source>Discard recording</source>
        <translation>Aufnahme verwerfen</translation>
    </message>
    <message>
        <source>Delete this recording for good? {describe}.</source>
        <translation>Diese Aufnahme endgültig löschen? {describe}.</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Verwerfen</translation>
    </message>
</context>
<context>
    <name>save_copy</name>
    <message>
        <source>This send&apos;s video is no longer on this computer; record it again.</source>
        <translation>Das Video dieser Sendung ist nicht mehr auf diesem Computer; nehmen Sie es erneut auf.</translation>
    </message>
    <message>
        <source>The recording {name} is gone from this computer.</source>
        <translation>Die Aufnahme {name} ist nicht mehr auf diesem Computer.</translation>
    </message>
    <message>
        <source>Cutting the video…</source>
        <translation>Video wird geschnitten…</translation>
    </message>
</context>
<context>
    <name>screen_sources</name>
    <message>
        <source>Whole screen {n} ({w}×{h})</source>
        <translation>Ganzer Bildschirm {n} ({w}×{h})</translation>
    </message>
    <message>
        <source>The screen cannot be recorded ({value}); pick another screen or window, or record the camera only.</source>
        <translation>Der Bildschirm kann nicht aufgenommen werden ({value}); wählen Sie einen anderen Bildschirm oder ein anderes Fenster, oder nehmen Sie nur die Kamera auf.</translation>
    </message>
    <message>
        <source>capture failed</source>
        <translation>Aufnahme fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>script_picker</name>
    <message>
        <source>Your own script</source>
        <translation>Ihr eigenes Skript</translation>
    </message>
</context>
<context>
    <name>send_errors</name>
    <message>
        <source>the share server could not be reached (no connection).</source>
        <translation>der Freigabeserver war nicht erreichbar (keine Verbindung).</translation>
    </message>
    <message>
        <source>the share server could not take the video just now.</source>
        <translation>der Freigabeserver konnte das Video gerade nicht annehmen.</translation>
    </message>
    <message>
        <source>add the recipient&apos;s name in Personalize.</source>
        <translation>geben Sie unter Personalisieren den Namen des Empfängers ein.</translation>
    </message>
    <message>
        <source>add your name in Personalize (From) or in Settings.</source>
        <translation>geben Sie Ihren Namen unter Personalisieren (Von) oder in den Einstellungen ein.</translation>
    </message>
    <message>
        <source>the target could not be reached.</source>
        <translation>das Ziel war nicht erreichbar.</translation>
    </message>
    <message>
        <source>not confirmed: {words}. Reword it in Personalize, or send again and confirm.</source>
        <translation>nicht bestätigt: {words}. Formulieren Sie es unter Personalisieren um oder senden Sie erneut und bestätigen Sie.</translation>
    </message>
    <message>
        <source>the send stopped.</source>
        <translation>das Senden wurde beendet.</translation>
    </message>
</context>
<context>
    <name>send_progress</name>
    <message>
        <source>Checking the video and attachments</source>
        <translation>Video und Anhänge werden geprüft</translation>
    </message>
    <message>
        <source>Reserving the link</source>
        <translation>Link wird reserviert</translation>
    </message>
    <message>
        <source>Uploading</source>
        <translation>Wird hochgeladen</translation>
    </message>
    <message>
        <source>Publishing the page</source>
        <translation>Seite wird veröffentlicht</translation>
    </message>
    <message>
        <source>Preparing video</source>
        <translation>Video wird vorbereitet</translation>
    </message>
    <message>
        <source>Uploading {bytes_done} MB of {bytes_total}</source>
        <translation>{bytes_done} MB von {bytes_total} werden hochgeladen</translation>
    </message>
    <message>
        <source>{time} left</source>
        <translation>noch {time}</translation>
    </message>
</context>
<context>
    <name>send_screen</name>
    <message>
        <source>Sent — the video is live. The link is on the clipboard.</source>
        <translation>Gesendet — das Video ist online. Der Link ist in der Zwischenablage.</translation>
    </message>
    <message>
        <source>Sent — the video is live, but only on this computer. The link is on the clipboard.</source>
        <translation>Gesendet — das Video ist online, aber nur auf diesem Computer. Der Link ist in der Zwischenablage.</translation>
    </message>
    <message>
        <source>Your link is ready and on the clipboard. The video is still being prepared and uploaded; until then the page says it is on its way.</source>
        <translation>Ihr Link ist fertig und in der Zwischenablage. Das Video wird noch vorbereitet und hochgeladen; bis dahin zeigt die Seite an, dass es unterwegs ist.</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Send summary</source>
        <translation>Zusammenfassung der Sendung</translation>
    </message>
    <message>
        <source>Send to</source>
        <translation>Senden an</translation>
    </message>
    <message>
        <source>  Send and get link</source>
        <translation>  Senden und Link erhalten</translation>
    </message>
    <message>
        <source>Send and get link</source>
        <translation>Senden und Link erhalten</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancel sending</source>
        <translation>Senden abbrechen</translation>
    </message>
    <message>
        <source>Send progress</source>
        <translation>Fortschritt des Sendens</translation>
    </message>
    <message>
        <source>Record another</source>
        <translation>Weiteres aufnehmen</translation>
    </message>
    <message>
        <source>No share target is set up yet, so RepVideo runs its own share server on this computer: links work on this computer only. Your administrator can add your company&apos;s server in Settings.</source>
        <translation>Es ist noch kein Freigabeziel eingerichtet, daher betreibt RepVideo einen eigenen Freigabeserver auf diesem Computer: Links funktionieren nur auf diesem Computer. Ihr Administrator kann den Server Ihres Unternehmens in den Einstellungen hinzufügen.</translation>
    </message>
    <message>
        <source>Record or import a video first.</source>
        <translation>Nehmen Sie zuerst ein Video auf oder importieren Sie eines.</translation>
    </message>
    <message>
        <source>(no recipient yet — add one in Personalize)</source>
        <translation>(noch kein Empfänger — fügen Sie einen unter Personalisieren hinzu)</translation>
    </message>
    <message>
        <source>&lt;b&gt;For&lt;/b&gt; {who}&lt;br&gt;&lt;b&gt;Video&lt;/b&gt; {length}</source>
        <translation>&lt;b&gt;Für&lt;/b&gt; {who}&lt;br&gt;&lt;b&gt;Video&lt;/b&gt; {length}</translation>
    </message>
    <message>
        <source> (trimmed)</source>
        <translation> (zugeschnitten)</translation>
    </message>
    <message>
        <source> + intro card</source>
        <translation> + Titelkarte</translation>
    </message>
    <message>
        <source>&lt;br&gt;&lt;b&gt;Attachments&lt;/b&gt; 1 approved item</source>
        <translation>&lt;br&gt;&lt;b&gt;Anhänge&lt;/b&gt; 1 freigegebener Inhalt</translation>
    </message>
    <message>
        <source>&lt;br&gt;&lt;b&gt;Attachments&lt;/b&gt; {n} approved items</source>
        <translation>&lt;br&gt;&lt;b&gt;Anhänge&lt;/b&gt; {n} freigegebene Inhalte</translation>
    </message>
    <message>
        <source>This send is in the outbox: retry it or delete it below.</source>
        <translation>Diese Sendung liegt im Postausgang: Versuchen Sie es unten erneut oder löschen Sie sie.</translation>
    </message>
    <message>
        <source>This video has been sent to this recipient. To send it to someone else, change the recipient in Personalize.</source>
        <translation>Dieses Video wurde an diesen Empfänger gesendet. Um es an jemand anderen zu senden, ändern Sie den Empfänger unter Personalisieren.</translation>
    </message>
    <message>
        <source>add the recipient&apos;s name in Personalize first.</source>
        <translation>geben Sie zuerst unter Personalisieren den Namen des Empfängers ein.</translation>
    </message>
    <message>
        <source>Confirm restricted wording</source>
        <translation>Eingeschränkte Formulierung bestätigen</translation>
    </message>
    <message>
        <source>Your administrator&apos;s list asks you to confirm these words before sending:

{lines}

Send with this wording? Your confirmation is recorded with the share.</source>
        <translation>Die Liste Ihres Administrators verlangt, dass Sie diese Begriffe vor dem Senden bestätigen:

{lines}

Mit dieser Formulierung senden? Ihre Bestätigung wird mit der Freigabe aufgezeichnet.</translation>
    </message>
    <message>
        <source>Send anyway</source>
        <translation>Trotzdem senden</translation>
    </message>
    <message>
        <source>Checking the video and attachments</source>
        <translation>Video und Anhänge werden geprüft</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
    <message>
        <source>Sending cancelled. Nothing was sent.</source>
        <translation>Senden abgebrochen. Es wurde nichts gesendet.</translation>
    </message>
    <message>
        <source>your rep</source>
        <translation>Ihr Außendienstmitarbeiter</translation>
    </message>
    <message>
        <source>Sent in {done_seconds:.1f} s (link after {link:.1f} s).</source>
        <translation>Gesendet in {done_seconds:.1f} s (Link nach {link:.1f} s).</translation>
    </message>
    <message>
        <source>Sent.</source>
        <translation>Gesendet.</translation>
    </message>
    <message>
        <source>The send was deleted. Your recording is kept.</source>
        <translation>Die Sendung wurde gelöscht. Ihre Aufnahme bleibt erhalten.</translation>
    </message>
    <message>
        <source>Could not delete it: {error}</source>
        <translation>Konnte nicht gelöscht werden: {error}</translation>
    </message>
</context>
<context>
    <name>sent_screen</name>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Sent videos</source>
        <translation>Gesendete Videos</translation>
    </message>
    <message>
        <source>Nothing sent yet. Videos you send appear here with their views.</source>
        <translation>Noch nichts gesendet. Gesendete Videos erscheinen hier mit ihren Aufrufen.</translation>
    </message>
    <message>
        <source>About the selected share</source>
        <translation>Zur ausgewählten Freigabe</translation>
    </message>
    <message>
        <source>View totals over all recipients</source>
        <translation>Aufrufe insgesamt über alle Empfänger</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Refresh sent list</source>
        <translation>Liste der gesendeten Videos aktualisieren</translation>
    </message>
    <message>
        <source>Copy link</source>
        <translation>Link kopieren</translation>
    </message>
    <message>
        <source>Copy link of the selected share</source>
        <translation>Link der ausgewählten Freigabe kopieren</translation>
    </message>
    <message>
        <source>Extend…</source>
        <translation>Verlängern…</translation>
    </message>
    <message>
        <source>Extend the selected share</source>
        <translation>Die ausgewählte Freigabe verlängern</translation>
    </message>
    <message>
        <source>Revoke…</source>
        <translation>Widerrufen…</translation>
    </message>
    <message>
        <source>Revoke the selected share</source>
        <translation>Die ausgewählte Freigabe widerrufen</translation>
    </message>
    <message>
        <source>Undo revoke</source>
        <translation>Widerruf rückgängig</translation>
    </message>
    <message>
        <source>Undo the revoke: keep the link working</source>
        <translation>Widerruf rückgängig machen: Der Link funktioniert weiter</translation>
    </message>
    <message>
        <source>Could not read the outbox: {error}</source>
        <translation>Der Postausgang konnte nicht gelesen werden: {error}</translation>
    </message>
    <message>
        <source>the target could not be reached.</source>
        <translation>das Ziel war nicht erreichbar.</translation>
    </message>
    <message>
        <source>Link copied.</source>
        <translation>Link kopiert.</translation>
    </message>
    <message>
        <source>Extend link</source>
        <translation>Link verlängern</translation>
    </message>
    <message>
        <source>Keep the link working for (days):</source>
        <translation>Link gültig halten für (Tage):</translation>
    </message>
    <message>
        <source>Extended by {days} days.</source>
        <translation>Um {days} Tage verlängert.</translation>
    </message>
    <message>
        <source>this share</source>
        <translation>diese Freigabe</translation>
    </message>
    <message>
        <source>Revoke link</source>
        <translation>Link widerrufen</translation>
    </message>
    <message>
        <source>Revoke the link for {who}? The page will say the video is no longer available. You can undo it for a few seconds.</source>
        <translation>Den Link für {who} widerrufen? Die Seite zeigt dann an, dass das Video nicht mehr verfügbar ist. Sie können es einige Sekunden lang rückgängig machen.</translation>
    </message>
    <message>
        <source>Kept: the link for {who} still works.</source>
        <translation>Behalten: Der Link für {who} funktioniert weiterhin.</translation>
    </message>
    <message>
        <source>The link for {who} stops working in {left} s. Undo revoke keeps it.</source>
        <translation>Der Link für {who} funktioniert in {left} s nicht mehr. „Widerruf rückgängig“ behält ihn.</translation>
    </message>
    <message>
        <source>Link revoked.</source>
        <translation>Link widerrufen.</translation>
    </message>
    <message>
        <source>Could not revoke: {error}</source>
        <translation>Widerruf nicht möglich: {error}</translation>
    </message>
    <message>
        <source>Sending again…</source>
        <translation>Wird erneut gesendet…</translation>
    </message>
    <message>
        <source>Sent.</source>
        <translation>Gesendet.</translation>
    </message>
    <message>
        <source>Not sent: {why}</source>
        <translation>Nicht gesendet: {why}</translation>
    </message>
    <message>
        <source>Deleted. Your recording is kept.</source>
        <translation>Gelöscht. Ihre Aufnahme bleibt erhalten.</translation>
    </message>
    <message>
        <source>Could not delete it: {error}</source>
        <translation>Konnte nicht gelöscht werden: {error}</translation>
    </message>
    <message>
        <source>Could not extend the link: {error}</source>
        <translation>Der Link konnte nicht verlängert werden: {error}</translation>
    </message>
    <message>
        <source>Recipient</source>
        <translation>Empfänger</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Views</source>
        <translation>Aufrufe</translation>
    </message>
    <message>
        <source>Watched</source>
        <translation>Angesehen</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>Link</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Antwort</translation>
    </message>
    <message>
        <source>Checking views…</source>
        <translation>Aufrufe werden geprüft…</translation>
    </message>
    <message>
        <source>Totals only</source>
        <translation>Nur Summen</translation>
    </message>
    <message>
        <source>This server counts viewing only as totals over all your recipients: it never shows who watched.</source>
        <translation>Dieser Server zählt Aufrufe nur als Summen über alle Ihre Empfänger: Er zeigt nie, wer zugesehen hat.</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Uploading</source>
        <translation>Wird hochgeladen</translation>
    </message>
    <message>
        <source>Waiting to send</source>
        <translation>Wartet auf Senden</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Abgelaufen</translation>
    </message>
    <message>
        <source>Revoked</source>
        <translation>Widerrufen</translation>
    </message>
    <message>
        <source>Deleted (retention)</source>
        <translation>Gelöscht (Aufbewahrungsfrist)</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>This share</source>
        <translation>Diese Freigabe</translation>
    </message>
    <message>
        <source>{who} · {created} · {state}: {note}</source>
        <translation>{who} · {created} · {state}: {note}</translation>
    </message>
    <message>
        <source>{who} · {created} · {state}</source>
        <translation>{who} · {created} · {state}</translation>
    </message>
    <message>
        <source>{name}: {opened} opened · {played} played · {ended} to the end · {materials} materials opened, over all {shares} shares</source>
        <translation>{name}: {opened} geöffnet · {played} abgespielt · {ended} bis zum Ende · {materials} Materialien geöffnet, über alle {shares} Freigaben</translation>
    </message>
    <message>
        <source>Revoking…</source>
        <translation>Wird widerrufen…</translation>
    </message>
    <message>
        <source>(not yet)</source>
        <translation>(noch nicht)</translation>
    </message>
</context>
<context>
    <name>services</name>
    <message>
        <source>{n} ({kind})</source>
        <translation>{n} ({kind})</translation>
    </message>
    <message>
        <source> — default</source>
        <translation> — Standard</translation>
    </message>
    <message>
        <source>This computer (built-in share server)</source>
        <translation>Dieser Computer (eingebauter Freigabeserver)</translation>
    </message>
    <message>
        <source>status unavailable: {exc}</source>
        <translation>Status nicht verfügbar: {exc}</translation>
    </message>
    <message>
        <source>Your administrator lets a link work for at most {most} days from now; choose {most} days or fewer.</source>
        <translation>Ihr Administrator lässt einen Link höchstens {most} Tage ab jetzt gelten; wählen Sie {most} Tage oder weniger.</translation>
    </message>
    <message>
        <source>This share has no link yet; extend it once it is sent.</source>
        <translation>Diese Freigabe hat noch keinen Link; verlängern Sie sie, sobald sie gesendet ist.</translation>
    </message>
    <message>
        <source>Uploading</source>
        <translation>Wird hochgeladen</translation>
    </message>
</context>
<context>
    <name>settings_screen</name>
    <message>
        <source>Set by your administrator</source>
        <translation>Von Ihrem Administrator festgelegt</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Share targets</source>
        <translation>Freigabeziele</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Ort</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>Hinzufügen…</translation>
    </message>
    <message>
        <source>Add a target</source>
        <translation>Ein Ziel hinzufügen</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Testen</translation>
    </message>
    <message>
        <source>Test the selected target</source>
        <translation>Das ausgewählte Ziel testen</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Remove the selected target</source>
        <translation>Das ausgewählte Ziel entfernen</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source> days</source>
        <translation> Tage</translation>
    </message>
    <message>
        <source>the sample catalog</source>
        <translation>der Beispielkatalog</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Choose the catalog file</source>
        <translation>Die Katalogdatei wählen</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>Richtlinie</translation>
    </message>
    <message>
        <source>Maximum video length</source>
        <translation>Maximale Videolänge</translation>
    </message>
    <message>
        <source>Links expire after</source>
        <translation>Links laufen ab nach</translation>
    </message>
    <message>
        <source>Approved content</source>
        <translation>Freigegebene Inhalte</translation>
    </message>
    <message>
        <source>Catalog file</source>
        <translation>Katalogdatei</translation>
    </message>
    <message>
        <source>You (shown on the share page)</source>
        <translation>Sie (auf der Freigabeseite angezeigt)</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Funktion</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>While recording</source>
        <translation>Während der Aufnahme</translation>
    </message>
    <message>
        <source>Send the take to the share server while you record, so the video is there seconds after Stop</source>
        <translation>Die Aufnahme schon während des Aufnehmens an den Freigabeserver senden, damit das Video Sekunden nach dem Stopp bereitsteht</translation>
    </message>
    <message>
        <source>This computer</source>
        <translation>Dieser Computer</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>Kamera</translation>
    </message>
    <message>
        <source>Microphone</source>
        <translation>Mikrofon</translation>
    </message>
    <message>
        <source>Views and answers</source>
        <translation>Aufrufe und Antworten</translation>
    </message>
    <message>
        <source>A desktop notification when a physician watches or answers</source>
        <translation>Eine Desktop-Benachrichtigung, wenn ein Arzt zusieht oder antwortet</translation>
    </message>
    <message>
        <source>Notify me of</source>
        <translation>Benachrichtigen bei</translation>
    </message>
    <message>
        <source>Upload</source>
        <translation>Hochladen</translation>
    </message>
    <message>
        <source>Upload while recording</source>
        <translation>Während der Aufnahme hochladen</translation>
    </message>
    <message>
        <source>Notify me of views and answers</source>
        <translation>Bei Aufrufen und Antworten benachrichtigen</translation>
    </message>
    <message>
        <source>Save settings</source>
        <translation>Einstellungen speichern</translation>
    </message>
    <message>
        <source>(first available)</source>
        <translation>(erstes verfügbares)</translation>
    </message>
    <message>
        <source>No targets yet: sends go to the built-in share server on this computer.</source>
        <translation>Noch keine Ziele: Sendungen gehen an den eingebauten Freigabeserver auf diesem Computer.</translation>
    </message>
    <message>
        <source>Your administrator does not allow adding targets.</source>
        <translation>Ihr Administrator erlaubt nicht, Ziele hinzuzufügen.</translation>
    </message>
    <message>
        <source>Settings saved.</source>
        <translation>Einstellungen gespeichert.</translation>
    </message>
    <message>
        <source>Approved-content catalog</source>
        <translation>Katalog freigegebener Inhalte</translation>
    </message>
    <message>
        <source>Catalog (*.toml);;All files (*)</source>
        <translation>Katalog (*.toml);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Added {name}. Use Test to check it works.</source>
        <translation>{name} hinzugefügt. Prüfen Sie mit Testen, ob es funktioniert.</translation>
    </message>
    <message>
        <source>Removed {name}.</source>
        <translation>{name} entfernt.</translation>
    </message>
    <message>
        <source>Select a target to test.</source>
        <translation>Wählen Sie ein Ziel zum Testen.</translation>
    </message>
    <message>
        <source>Testing {name}…</source>
        <translation>{name} wird getestet…</translation>
    </message>
    <message>
        <source>{name}: {value}</source>
        <translation>{name}: {value}</translation>
    </message>
    <message>
        <source>{name} failed: {error}</source>
        <translation>{name} fehlgeschlagen: {error}</translation>
    </message>
</context>
<context>
    <name>share_result</name>
    <message>
        <source>This link works only on this computer: a physician cannot open it. To send videos to physicians, add your company&apos;s share server (or S3 bucket) under Settings → Share targets; your administrator has the address and the token.</source>
        <translation>Dieser Link funktioniert nur auf diesem Computer: Ein Arzt kann ihn nicht öffnen. Um Videos an Ärzte zu senden, fügen Sie den Freigabeserver (oder S3-Bucket) Ihres Unternehmens unter Einstellungen → Freigabeziele hinzu; Ihr Administrator hat die Adresse und das Token.</translation>
    </message>
    <message>
        <source>No email program is set up on this computer, so no draft could open. The email text is on the clipboard instead: paste it into your webmail.</source>
        <translation>Auf diesem Computer ist kein E-Mail-Programm eingerichtet, daher konnte kein Entwurf geöffnet werden. Der E-Mail-Text ist stattdessen in der Zwischenablage: Fügen Sie ihn in Ihr Webmail ein.</translation>
    </message>
    <message>
        <source>Copied ✓</source>
        <translation>Kopiert ✓</translation>
    </message>
    <message>
        <source>A video message for {hcp} from {rep} — click to watch</source>
        <translation>Eine Videonachricht für {hcp} von {rep} — zum Ansehen klicken</translation>
    </message>
    <message>
        <source>{img}&lt;a href=&quot;{href}&quot;&gt;▶ Watch the video from {rep}&lt;/a&gt;</source>
        <translation>{img}&lt;a href=&quot;{href}&quot;&gt;▶ Das Video von {rep} ansehen&lt;/a&gt;</translation>
    </message>
    <message>
        <source>Your link is ready — it is on the clipboard.</source>
        <translation>Ihr Link ist fertig — er ist in der Zwischenablage.</translation>
    </message>
    <message>
        <source>Share link</source>
        <translation>Freigabelink</translation>
    </message>
    <message>
        <source>Copy link</source>
        <translation>Link kopieren</translation>
    </message>
    <message>
        <source>Open email draft</source>
        <translation>E-Mail-Entwurf öffnen</translation>
    </message>
    <message>
        <source>Copy email snippet</source>
        <translation>E-Mail-Baustein kopieren</translation>
    </message>
    <message>
        <source>Note about the link</source>
        <translation>Hinweis zum Link</translation>
    </message>
    <message>
        <source>Set up a share target…</source>
        <translation>Freigabeziel einrichten…</translation>
    </message>
    <message>
        <source>Set up a share target in Settings</source>
        <translation>Ein Freigabeziel in den Einstellungen einrichten</translation>
    </message>
    <message>
        <source>QR code of the link</source>
        <translation>QR-Code des Links</translation>
    </message>
    <message>
        <source>Scan to open on a phone</source>
        <translation>Scannen, um es auf dem Telefon zu öffnen</translation>
    </message>
    <message>
        <source>A short video for you, {hcp}</source>
        <translation>Ein kurzes Video für Sie, {hcp}</translation>
    </message>
    <message>
        <source>A short video for you</source>
        <translation>Ein kurzes Video für Sie</translation>
    </message>
    <message>
        <source>Dear {hcp},</source>
        <translation>Guten Tag {hcp},</translation>
    </message>
    <message>
        <source>Hello,</source>
        <translation>Guten Tag,</translation>
    </message>
    <message>
        <source>{greeting}

I recorded a short video for you:
{link}

Best regards,
{rep}</source>
        <translation>{greeting}

ich habe ein kurzes Video für Sie aufgenommen:
{link}

Mit freundlichen Grüßen
{rep}</translation>
    </message>
</context>
<context>
    <name>share_rows</name>
    <message>
        <source>Today {time}</source>
        <translation>Heute {time}</translation>
    </message>
</context>
<context>
    <name>take_controls</name>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Pause recording</source>
        <translation>Aufnahme pausieren</translation>
    </message>
    <message>
        <source>Pause or resume ({pause_key})</source>
        <translation>Pausieren oder fortsetzen ({pause_key})</translation>
    </message>
    <message>
        <source>Re-take last sentence</source>
        <translation>Satz wiederholen</translation>
    </message>
    <message>
        <source>Re-take from the last pause or sentence</source>
        <translation>Ab der letzten Pause oder dem letzten Satz neu aufnehmen</translation>
    </message>
    <message>
        <source>Drop what was recorded since the last pause or sentence and record it again ({retake_key})</source>
        <translation>Das seit der letzten Pause oder dem letzten Satz Aufgenommene verwerfen und neu aufnehmen ({retake_key})</translation>
    </message>
    <message>
        <source>Paused at {fmt_time}. Resume when ready.</source>
        <translation>Pausiert bei {fmt_time}. Setzen Sie fort, wenn Sie bereit sind.</translation>
    </message>
    <message>
        <source>Dropped the last {last_dropped:.1f} s; recording again from {cut} in {retake_countdown}…</source>
        <translation>Die letzten {last_dropped:.1f} s verworfen; Aufnahme ab {cut} beginnt erneut in {retake_countdown}…</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Resume recording</source>
        <translation>Aufnahme fortsetzen</translation>
    </message>
</context>
<context>
    <name>target_dialog</name>
    <message>
        <source>Add a share target</source>
        <translation>Freigabeziel hinzufügen</translation>
    </message>
    <message>
        <source>Target name</source>
        <translation>Name des Ziels</translation>
    </message>
    <message>
        <source>Target kind</source>
        <translation>Art des Ziels</translation>
    </message>
    <message>
        <source>Share server</source>
        <translation>Freigabeserver</translation>
    </message>
    <message>
        <source>S3 bucket</source>
        <translation>S3-Bucket</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>Target location</source>
        <translation>Ort des Ziels</translation>
    </message>
    <message>
        <source>Access key id</source>
        <translation>Zugriffsschlüssel-ID</translation>
    </message>
    <message>
        <source>Secret</source>
        <translation>Geheimnis</translation>
    </message>
    <message>
        <source>Use as the default target</source>
        <translation>Als Standardziel verwenden</translation>
    </message>
    <message>
        <source>Secrets are stored in your system keychain, never in a file.</source>
        <translation>Geheimnisse werden im Schlüsselbund des Systems gespeichert, nie in einer Datei.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Server URL</source>
        <translation>Server-URL</translation>
    </message>
    <message>
        <source>API token</source>
        <translation>API-Token</translation>
    </message>
    <message>
        <source>Bucket</source>
        <translation>Bucket</translation>
    </message>
    <message>
        <source>Secret access key</source>
        <translation>Geheimer Zugriffsschlüssel</translation>
    </message>
    <message>
        <source>Fill in the name and the location.</source>
        <translation>Geben Sie den Namen und den Ort ein.</translation>
    </message>
</context>
<context>
    <name>template_picker</name>
    <message>
        <source>Choose a template…</source>
        <translation>Vorlage wählen…</translation>
    </message>
    <message>
        <source>Your administrator allows only approved templates: the names are filled in.</source>
        <translation>Ihr Administrator erlaubt nur freigegebene Vorlagen: Die Namen werden ausgefüllt.</translation>
    </message>
</context>
<context>
    <name>timeline</name>
    <message>
        <source>Trim timeline</source>
        <translation>Zeitleiste zum Zuschneiden</translation>
    </message>
</context>
<context>
    <name>trim_screen</name>
    <message>
        <source>Review &amp; trim</source>
        <translation>Prüfen &amp; zuschneiden</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Abspielen</translation>
    </message>
    <message>
        <source>Play / pause (Space)</source>
        <translation>Abspielen / Pause (Leertaste)</translation>
    </message>
    <message>
        <source>Set in (I)</source>
        <translation>Anfang setzen (I)</translation>
    </message>
    <message>
        <source>Set in point</source>
        <translation>Anfangspunkt setzen</translation>
    </message>
    <message>
        <source>Set out (O)</source>
        <translation>Ende setzen (O)</translation>
    </message>
    <message>
        <source>Set out point</source>
        <translation>Endpunkt setzen</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>Zurücksetzen</translation>
    </message>
    <message>
        <source>Reset trim</source>
        <translation>Zuschnitt zurücksetzen</translation>
    </message>
    <message>
        <source>Loop</source>
        <translation>Schleife</translation>
    </message>
    <message>
        <source>Play the cut in a loop</source>
        <translation>Den Schnitt in einer Schleife abspielen</translation>
    </message>
    <message>
        <source>Play from In to Out again and again</source>
        <translation>Immer wieder vom Anfang bis zum Ende abspielen</translation>
    </message>
    <message>
        <source>Playhead position</source>
        <translation>Abspielposition</translation>
    </message>
    <message>
        <source>Trimmed length</source>
        <translation>Zugeschnittene Länge</translation>
    </message>
    <message>
        <source>Space play · ←/→ one frame · Shift+←/→ one second · I/O set in/out · Home/End start/end</source>
        <translation>Leertaste abspielen · ←/→ ein Bild · Umschalt+←/→ eine Sekunde · I/O Anfang/Ende setzen · Pos1/Ende Anfang/Schluss</translation>
    </message>
    <message>
        <source>Next: Personalize</source>
        <translation>Weiter: Personalisieren</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>In {trim_in} · Out {trim_out} · Length {length}</source>
        <translation>{trim_in}–{trim_out} · Länge {length}</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <source>Record</source>
        <translation>Aufnehmen</translation>
    </message>
    <message>
        <source>Review &amp; trim</source>
        <translation>Prüfen &amp; zuschneiden</translation>
    </message>
    <message>
        <source>Personalize</source>
        <translation>Personalisieren</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Schritte</translation>
    </message>
    <message>
        <source>RepVideo {version} is available. &lt;a href=&quot;{link}&quot;&gt;Download&lt;/a&gt;</source>
        <translation>RepVideo {version} ist verfügbar. &lt;a href=&quot;{link}&quot;&gt;Herunterladen&lt;/a&gt;</translation>
    </message>
    <message>
        <source>Your unsent video for {who} is back: continue in Review &amp; trim, or record a new one.</source>
        <translation>Ihr nicht gesendetes Video für {who} ist wieder da: Machen Sie unter Prüfen &amp; zuschneiden weiter oder nehmen Sie ein neues auf.</translation>
    </message>
    <message>
        <source>Your unsent video is back: continue in Review &amp; trim, or record a new one.</source>
        <translation>Ihr nicht gesendetes Video ist wieder da: Machen Sie unter Prüfen &amp; zuschneiden weiter oder nehmen Sie ein neues auf.</translation>
    </message>
    <message>
        <source>Could not discard it: {error}</source>
        <translation>Konnte nicht verworfen werden: {error}</translation>
    </message>
    <message>
        <source>Discarded the unfinished recording.</source>
        <translation>Die unvollständige Aufnahme wurde verworfen.</translation>
    </message>
    <message>
        <source>Recovering the unfinished recording…</source>
        <translation>Die unvollständige Aufnahme wird wiederhergestellt…</translation>
    </message>
    <message>
        <source>Could not recover it: {error}</source>
        <translation>Konnte nicht wiederhergestellt werden: {error}</translation>
    </message>
    <message>
        <source>Recovered {duration} of video.</source>
        <translation>{duration} Video wiederhergestellt.</translation>
    </message>
</context>
<context>
    <name>wording_watch</name>
    <message>
        <source>cannot be sent</source>
        <translation>kann nicht gesendet werden</translation>
    </message>
    <message>
        <source>you will be asked to confirm</source>
        <translation>Sie werden um Bestätigung gebeten</translation>
    </message>
</context>
</TS>
