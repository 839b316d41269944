; Headset Softphone: additions to electron-builder's NSIS installer (`nsis.include` in
; electron-builder.yml). electron-builder inserts `customInstall` at the end of its install section
; (after the files, shortcuts and uninstall entry) and `customUnInstall` at the start of its
; uninstall section; `$INSTDIR`, `${PRODUCT_NAME}` and `${APP_EXECUTABLE_FILENAME}`
; ("Headset Softphone.exe") are defined by electron-builder. The registry view is already 64-bit
; on 64-bit Windows (electron-builder's check64BitAndSetRegView), in the installer and the
; uninstaller alike.
;
; Click-to-dial: tel:, callto: and sip: links (issue 9; docs/deployment.md, "Click-to-dial links").
;
; What this registers is a Default Programs *client*: Windows then offers Headset Softphone for
; those links (Settings > Apps > Default apps, and the "How do you want to open this?" question),
; and the agent or IT chooses it. It does NOT make the app the default: Windows keeps the choice
; per user (HKCU\...\Shell\Associations\UrlAssociations\<scheme>\UserChoice, protected by a hash)
; and forbids installers from setting it. For the same reason nothing here writes the schemes' own
; keys (HKLM\Software\Classes\tel, ...\callto, ...\sip): a `shell\open\command` there would take
; the links silently wherever the user has made no choice, and would overwrite the key of another
; telephony app (Teams, Zoom, Phone Link) that already owns it.
;
; electron-builder's own `protocols` entry does not fight with this: its NSIS target writes no
; registry keys for `protocols` at all (app-builder-lib 26: only the macOS Info.plist, the Linux
; .desktop file and the AppX manifest use it), and the app does not call
; app.setAsDefaultProtocolClient (which would write HKCU\Software\Classes\<scheme>); keep it so.
;
; Keys (per machine, HKLM):
;   Software\RegisteredApplications, value "Headset Softphone"
;       = Software\Headset Softphone\Capabilities
;   Software\Headset Softphone\Capabilities: ApplicationName, ApplicationDescription,
;       ApplicationIcon; subkey URLAssociations: tel, callto, sip = HeadsetSoftphone.URL
;   Software\Classes\HeadsetSoftphone.URL: (default), "URL Protocol" = "", DefaultIcon,
;       shell\open\command = "<install folder>\Headset Softphone.exe" "%1"
; The names are fixed (IT's default-associations files refer to the ProgID); keep them in step with
; docs/deployment.md. tests/unit/installer-nsh.test.ts checks that uninstalling removes them.
;
; The link is passed as the last argument, after nothing but the executable. Electron refuses to
; start when anything follows an argument that looks like a URL (its guard against command-line
; injection through a crafted link), so do not put "--" or other arguments before "%1".

; Everything below is written to HKLM, which needs the elevated, per-machine install.
!ifndef INSTALL_MODE_PER_ALL_USERS
  !error "assets/installer.nsh writes HKLM: keep nsis.perMachine: true in electron-builder.yml"
!endif

!define HS_REGISTERED_APPS_KEY "Software\RegisteredApplications"
!define HS_REGISTERED_APP_NAME "Headset Softphone"
!define HS_APP_KEY "Software\Headset Softphone"
!define HS_CAPABILITIES_KEY "Software\Headset Softphone\Capabilities"
!define HS_PROGID "HeadsetSoftphone.URL"
!define HS_PROGID_KEY "Software\Classes\HeadsetSoftphone.URL"

!macro customInstall
  ; The ProgID first, the registration that points at it last, so that Windows never lists the app
  ; without a command to run.
  WriteRegStr HKLM "${HS_PROGID_KEY}" "" "Telephone or SIP link"
  WriteRegStr HKLM "${HS_PROGID_KEY}" "URL Protocol" ""
  WriteRegStr HKLM "${HS_PROGID_KEY}\DefaultIcon" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}",0'
  WriteRegStr HKLM "${HS_PROGID_KEY}\shell\open\command" "" \
    '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'

  WriteRegStr HKLM "${HS_CAPABILITIES_KEY}" "ApplicationName" "${PRODUCT_NAME}"
  WriteRegStr HKLM "${HS_CAPABILITIES_KEY}" "ApplicationDescription" \
    "Dials tel:, callto: and sip: links from the CRM, the browser and other programs."
  WriteRegStr HKLM "${HS_CAPABILITIES_KEY}" "ApplicationIcon" \
    '"$INSTDIR\${APP_EXECUTABLE_FILENAME}",0'
  WriteRegStr HKLM "${HS_CAPABILITIES_KEY}\URLAssociations" "tel" "${HS_PROGID}"
  WriteRegStr HKLM "${HS_CAPABILITIES_KEY}\URLAssociations" "callto" "${HS_PROGID}"
  WriteRegStr HKLM "${HS_CAPABILITIES_KEY}\URLAssociations" "sip" "${HS_PROGID}"

  WriteRegStr HKLM "${HS_REGISTERED_APPS_KEY}" "${HS_REGISTERED_APP_NAME}" "${HS_CAPABILITIES_KEY}"

  ; SHCNE_ASSOCCHANGED: Explorer and Settings re-read the associations.
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
!macroend

!macro customUnInstall
  ; Exactly what customInstall wrote, in the reverse order. This also runs when a newer version is
  ; installed over this one (electron-builder runs the old uninstaller first); the new installer's
  ; customInstall writes the keys again straight after. An agent's own choice (UserChoice, in
  ; HKCU) is left alone: it is the user's, and names a ProgID that no longer exists.
  DeleteRegValue HKLM "${HS_REGISTERED_APPS_KEY}" "${HS_REGISTERED_APP_NAME}"
  DeleteRegKey HKLM "${HS_CAPABILITIES_KEY}"
  ; Only if nothing else was put under it.
  DeleteRegKey /ifempty HKLM "${HS_APP_KEY}"
  DeleteRegKey HKLM "${HS_PROGID_KEY}"

  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
!macroend
