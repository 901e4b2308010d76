"""PyInstaller hook for `webrtcvad`, in place of pyinstaller-hooks-contrib's: that one copies
the metadata of a `webrtcvad` distribution, but the module comes from `webrtcvad-wheels`
(prebuilt wheels), so the contrib hook stops the build."""

from PyInstaller.utils.hooks import copy_metadata

datas = copy_metadata("webrtcvad-wheels")
