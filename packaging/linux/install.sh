#!/bin/sh
# Put RepVideo in the desktop menu. Run from the unpacked folder:
#   ./install.sh            for the current user (~/.local), no root needed
#   sudo ./install.sh --system    for every user (/opt/rep-video, /usr/local/bin, /usr/share)
#   sudo ./install.sh --prefix DIR    for every user, under DIR (DIR/lib/rep-video, DIR/bin,
#                                     DIR/share), e.g. --prefix /usr/local from a roll-out tool
# Uninstall: add --uninstall to the same command. Asks nothing (fit for unattended roll-out);
# exit 2 on a wrong argument.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mode=user
action=install
prefix=
while [ $# -gt 0 ]; do
  case "$1" in
    --system) mode=system ;;
    --prefix)
      [ $# -ge 2 ] && [ -n "$2" ] || { echo "$0: --prefix needs a folder" >&2; exit 2; }
      mode=system; prefix=$2; shift ;;
    --prefix=*) mode=system; prefix=${1#--prefix=} ;;
    --uninstall) action=uninstall ;;
    *) echo "usage: $0 [--system | --prefix DIR] [--uninstall]" >&2; exit 2 ;;
  esac
  shift
done

if [ -n "$prefix" ]; then
  case "$prefix" in /*) ;; *) prefix="$(pwd)/$prefix" ;; esac
  app_dir="$prefix/lib/rep-video"
  bin_dir="$prefix/bin"
  share="$prefix/share"
elif [ "$mode" = system ]; then
  app_dir=/opt/rep-video
  bin_dir=/usr/local/bin
  share=/usr/share
else
  app_dir="$here"
  bin_dir="$HOME/.local/bin"
  share="${XDG_DATA_HOME:-$HOME/.local/share}"
fi

sizes="16 22 24 32 48 64 128 256 512"

if [ "$action" = uninstall ]; then
  rm -f "$bin_dir/rep-video" "$share/applications/rep-video.desktop"
  for s in $sizes; do rm -f "$share/icons/hicolor/${s}x${s}/apps/rep-video.png"; done
  rm -f "$share/icons/hicolor/scalable/apps/rep-video.svg"
  if [ "$mode" = system ]; then rm -rf "$app_dir"; fi
  echo "RepVideo removed (your recordings and settings are kept)."
  exit 0
fi

if [ "$mode" = system ] && [ "$here" != "$app_dir" ]; then
  mkdir -p "$(dirname "$app_dir")"
  rm -rf "$app_dir.new"
  cp -a "$here" "$app_dir.new"
  rm -rf "$app_dir"
  mv "$app_dir.new" "$app_dir"
fi

mkdir -p "$bin_dir" "$share/applications"
ln -sf "$app_dir/rep-video" "$bin_dir/rep-video"
# The menu entry starts the launcher by its full path, so it works without ~/.local/bin on PATH.
sed "s|^Exec=.*|Exec=\"$app_dir/rep-video\"|; s|^TryExec=.*|TryExec=$app_dir/rep-video|" \
  "$here/share/applications/rep-video.desktop" > "$share/applications/rep-video.desktop"
for s in $sizes; do
  mkdir -p "$share/icons/hicolor/${s}x${s}/apps"
  cp "$here/share/icons/hicolor/${s}x${s}/apps/rep-video.png" "$share/icons/hicolor/${s}x${s}/apps/"
done
mkdir -p "$share/icons/hicolor/scalable/apps"
cp "$here/share/icons/hicolor/scalable/apps/rep-video.svg" "$share/icons/hicolor/scalable/apps/"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
echo "RepVideo installed: $bin_dir/rep-video and the desktop menu entry."
