#!/bin/sh
# A stand-in fence agent speaking the fence-agents stdin protocol, for FenceAgentFencerCompatibilityTest.
# Options: action=off|on|reboot|status, plug=NODE, statedir=DIR, password=..., hang=1 (never answers).
action= plug= statedir= hang= password=
while IFS='=' read -r k v; do
  case "$k" in
    action) action=$v ;; plug) plug=$v ;; statedir) statedir=$v ;; hang) hang=$v ;; password) password=$v ;;
  esac
done
[ -n "$hang" ] && exec sleep 600
[ "$password" = "agent-s3cret" ] || exit 1
f="$statedir/$plug.power"
case "$action" in
  off) echo off > "$f" ;;
  on) echo on > "$f" ;;
  reboot) echo on > "$f" ;;
  status) [ -f "$f" ] || echo on > "$f"; [ "$(cat "$f")" = on ] && exit 0 || exit 2 ;;
  *) exit 1 ;;
esac
exit 0
