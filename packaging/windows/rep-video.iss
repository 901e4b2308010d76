; Inno Setup 6 script for the RepVideo Windows installer.
;
; Build the app folder first (packaging\dist\rep-video\ with RepVideo.exe and rep-video.exe,
; see docs\PACKAGING.md), then, from the repository root:
;
;   iscc /DAppVersion=0.1.0 packaging\windows\rep-video.iss
;
; Signed (the installer and its uninstaller), with a signing tool named "signtool" defined
; on the command line:
;
;   iscc /DAppVersion=0.1.0 /DSign "/Ssigntool=signtool.exe sign /fd sha256 /td sha256 /tr http://timestamp.digicert.com /sha1 <THUMBPRINT> $f" packaging\windows\rep-video.iss
;
; Silent install for managed roll-out, optionally deploying the machine-wide admin config:
;
;   RepVideo-0.1.0-Setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /ALLUSERS /ADMINCONFIG="\\fileserver\it\repvideo\admin.toml"
;
; The admin config lands in %PROGRAMDATA%\RepVideo\admin.toml (rep_video\paths.py reads it there).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "RepVideo"
#define AppExe "RepVideo.exe"
#define CliExe "rep-video.exe"
#define DistDir "..\dist\rep-video"

[Setup]
; Never change AppId: it is how upgrades find the installed copy.
AppId={{6C1E3F0A-5B7D-4F7E-9E55-0D6A2B9C4E31}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=RepVideo
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-machine by default (IT roll-out); a user without admin rights may install for themselves.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=commandline dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
OutputDir=..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-Setup
SetupIconFile=..\build\rep-video\icons\rep-video.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
ChangesEnvironment=no
#ifdef Sign
SignTool=signtool
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
; The machine-wide admin config, when the installer is given /ADMINCONFIG=<file>.
Source: "{param:ADMINCONFIG}"; DestDir: "{commonappdata}\{#AppName}"; DestName: "admin.toml"; \
  Flags: external skipifsourcedoesntexist uninsneveruninstall; Check: HasAdminConfig

[Dirs]
Name: "{commonappdata}\{#AppName}"; Flags: uninsneveruninstall; Check: IsAdminInstallMode

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Record and send a personal video"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
; The admin config folder: administrators and SYSTEM may write, users only read. ProgramData's
; inherited rights would let any user create admin.toml there and so set policy for every
; other user of the machine; replace them (SIDs: Administrators, SYSTEM, Users).
Filename: "{sys}\icacls.exe"; Parameters: """{commonappdata}\{#AppName}"" /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX"; Flags: runhidden waituntilterminated; Check: IsAdminInstallMode
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
function HasAdminConfig(): Boolean;
begin
  Result := ExpandConstant('{param:ADMINCONFIG|}') <> '';
end;
