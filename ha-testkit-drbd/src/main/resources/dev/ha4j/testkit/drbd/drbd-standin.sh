#!/usr/bin/env bash
# A stand-in for drbdadm/drbdsetup (DRBD 9) that keeps the state of one two-node resource in files, for tests
# of ha-replication-drbd on machines without the DRBD kernel module. It answers as DRBD does for what a
# replicator uses: events2 --now / events2 (streaming, with sync progress) / status --json, primary (exit 17
# "Need access to UpToDate data", exit 11 for multiple primaries or no quorum), secondary (exit 11 "Device is
# held open by someone"), connect / disconnect (split brain when both sides were primary apart), outdate
# (exit 5 "Device is inconsistent.", exit 17 while Primary, exit 11 while Connected), up, down.
# Modes per node: unreachable (answers like ssh: exit 255) and nomodule (like drbd-utils without the module:
# exit 20, but secondary/down/disconnect/detach exit 0 doing nothing).
# Usage: drbd-standin.sh drbdadm|drbdsetup ARGS...; env DRBD_STANDIN_STATE (state dir), DRBD_STANDIN_NODE.
# Not DRBD: a model of its command-line behaviour, written from the outputs recorded in shared/labs/drbd.
set -u
prog="$1"; shift
S="${DRBD_STANDIN_STATE:?DRBD_STANDIN_STATE is not set}"
ME="${DRBD_STANDIN_NODE:?DRBD_STANDIN_NODE is not set}"
RES="$(cat "$S/resource")"
read -r N0 N1 < "$S/nodes"
if [ "$ME" = "$N0" ]; then PEER="$N1"; MYID=0; PEERID=1; else PEER="$N0"; MYID=1; PEERID=0; fi
echo "$ME $prog $*" >> "$S/log"

get() { cat "$S/$1/$2" 2>/dev/null || echo "$3"; }
put() { printf '%s\n' "$3" > "$S/$1/$2"; }
flag() { [ -e "$S/$1/$2" ]; }

if flag "$ME" unreachable; then
  echo "ssh: connect to host $ME port 22: No route to host" >&2
  exit 255
fi
if flag "$ME" hang; then
  sleep 3600
fi

nomodule() {
  echo "modprobe: FATAL: Module drbd not found in directory /lib/modules/$(uname -r)" >&2
  echo "Failed to modprobe drbd (No such file or directory)" >&2
}

# drbdadm: strip -c FILE and -d; map to the drbdsetup-style action
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -c) shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
set -- "${args[@]}"
cmd="${1:-}"; shift || true
force=no; target=""
for a in "$@"; do
  case "$a" in
    --force) force=yes ;;
    --now|--json|--statistics|--timestamps) ;;
    -*) ;;
    *) [ -z "$target" ] && target="$a" ;;
  esac
done
now=no; json=no
for a in "$@"; do [ "$a" = "--now" ] && now=yes; [ "$a" = "--json" ] && json=yes; done

if flag "$ME" nomodule; then
  case "$cmd" in
    secondary|down|disconnect|detach) exit 0 ;;
    *) nomodule; [ "$prog" = drbdadm ] && echo "Command 'drbdsetup $cmd $RES' terminated with exit code 20" >&2; exit 20 ;;
  esac
fi

exec 9> "$S/lock"
flock 9

if [ -n "$target" ] && [ "$target" != "$RES" ] && [ "$target" != all ]; then
  if [ "$prog" = drbdadm ]; then
    echo "'$target' not defined in your config (for this host)." >&2; exit 1
  fi
  echo "$target: No such resource" >&2; exit 10
fi

up() { [ "$(get "$1" up 1)" = 1 ]; }
connected() { [ "$(get "$ME" conn Connected)" = Connected ]; }
refuse() { # code, drbd error number, text
  echo "$RES: State change failed: ($2) $3" >&2
  [ "$prog" = drbdadm ] && echo "Command 'drbdsetup $cmd $RES' terminated with exit code $1" >&2
  exit "$1"
}

print_state() { # verb
  local v="$1" role disk open quorum conn prole pdisk repl done mp
  up "$ME" || return 0
  role=$(get "$ME" role Secondary); disk=$(get "$ME" disk UpToDate); open=$(get "$ME" open no)
  quorum=$(get "$ME" quorum yes); conn=$(get "$ME" conn Connected)
  if [ "$conn" = Connected ]; then prole=$(get "$PEER" role Secondary); pdisk=$(get "$PEER" disk UpToDate); else prole=Unknown; pdisk=DUnknown; fi
  repl=Off; done=""
  if [ "$conn" = Connected ]; then
    repl=Established
    if [ -e "$S/sync" ]; then
      if [ "$(cat "$S/synctarget")" = "$ME" ]; then repl=SyncTarget; else repl=SyncSource; fi
      done=" done:$(cat "$S/sync")"
    fi
  fi
  mp=no
  if [ "$role" = Secondary ] && [ "$disk" = UpToDate ] && [ "$prole" != Primary ] && [ "$quorum" = yes ]; then mp=yes; fi
  echo "$v resource name:$RES role:$role suspended:no force-io-failures:no may_promote:$mp promotion_score:0"
  echo "$v device name:$RES volume:0 minor:0 backing_dev:/dev/loop0 disk:$disk client:no open:$open quorum:$quorum"
  echo "$v connection name:$RES peer-node-id:$PEERID conn-name:$PEER connection:$conn role:$prole"
  echo "$v peer-device name:$RES peer-node-id:$PEERID conn-name:$PEER volume:0 replication:$repl peer-disk:$pdisk peer-client:no resync-suspended:no$done"
}

print_json() {
  local role disk open quorum conn prole pdisk repl pct
  printf '['
  if up "$ME"; then
    role=$(get "$ME" role Secondary); disk=$(get "$ME" disk UpToDate); open=$(get "$ME" open no)
    quorum=$(get "$ME" quorum yes); conn=$(get "$ME" conn Connected)
    if [ "$conn" = Connected ]; then prole=$(get "$PEER" role Secondary); pdisk=$(get "$PEER" disk UpToDate); else prole=Unknown; pdisk=DUnknown; fi
    repl=Off; pct=100
    if [ "$conn" = Connected ]; then repl=Established; fi
    if [ "$conn" = Connected ] && [ -e "$S/sync" ]; then
      if [ "$(cat "$S/synctarget")" = "$ME" ]; then repl=SyncTarget; else repl=SyncSource; fi
      pct=$(cat "$S/sync")
    fi
    [ "$quorum" = yes ] && q=true || q=false
    [ "$open" = yes ] && o=true || o=false
    printf '{"name":"%s","node-id":%s,"role":"%s","suspended":false,"devices":[{"volume":0,"minor":0,"disk-state":"%s","client":false,"open":%s,"quorum":%s}],' "$RES" "$MYID" "$role" "$disk" "$o" "$q"
    printf '"connections":[{"peer-node-id":%s,"name":"%s","connection-state":"%s" ,"peer-role":"%s","peer_devices":[{"volume":0,"replication-state":"%s","peer-disk-state":"%s","percent-in-sync":%s}]}]}' "$PEERID" "$PEER" "$conn" "$prole" "$repl" "$pdisk" "$pct"
  fi
  printf ']\n'
}

# The handshake when the two sides meet: split brain if both were primary apart; else the side that was
# primary apart syncs the other.
handshake() {
  if [ "$(cat "$S/net")" != up ] || ! up "$N0" || ! up "$N1"; then
    put "$ME" conn Connecting; return
  fi
  local d0 d1
  flag "$N0" diverged && d0=1 || d0=0
  flag "$N1" diverged && d1=1 || d1=0
  if [ $d0 = 1 ] && [ $d1 = 1 ]; then
    put "$N0" conn StandAlone; put "$N1" conn StandAlone
    touch "$S/$N0/splitbrain" "$S/$N1/splitbrain"
    echo "Split-Brain detected but unresolved, dropping connection!" >> "$S/kernel.log"
    return
  fi
  put "$N0" conn Connected; put "$N1" conn Connected
  local src="" tgt=""
  if [ $d0 = 1 ]; then src=$N0; tgt=$N1; elif [ $d1 = 1 ]; then src=$N1; tgt=$N0; fi
  if [ -z "$src" ]; then
    if [ "$(get "$N0" disk UpToDate)" = UpToDate ] && [ "$(get "$N1" disk UpToDate)" != UpToDate ]; then src=$N0; tgt=$N1;
    elif [ "$(get "$N1" disk UpToDate)" = UpToDate ] && [ "$(get "$N0" disk UpToDate)" != UpToDate ]; then src=$N1; tgt=$N0; fi
  fi
  if [ -n "$src" ]; then
    put "$tgt" disk Inconsistent
    echo 0.00 > "$S/sync"; echo "$tgt" > "$S/synctarget"
  fi
  rm -f "$S/$N0/diverged" "$S/$N1/diverged"
}

case "$cmd" in
  events2)
    if [ "$now" = yes ]; then print_state exists; echo "exists -"; exit 0; fi
    print_state exists; echo "exists -"
    if flag "$ME" splitbrain; then
      echo "call helper name:$RES peer-node-id:$PEERID conn-name:$PEER volume:0 helper:split-brain"
    fi
    flock -u 9
    while [ -e "$S/sync" ]; do
      sleep 0.1
      flock 9
      if [ -e "$S/sync" ]; then
        p=$(cat "$S/sync"); p=$(awk -v p="$p" -v s="$(cat "$S/syncstep" 2>/dev/null || echo 25)" 'BEGIN{p+=s; if (p>=100) p=100; printf "%.2f", p}')
        if [ "$p" = 100.00 ]; then
          put "$(cat "$S/synctarget")" disk UpToDate; rm -f "$S/sync" "$S/synctarget"
          print_state change
        else
          echo "$p" > "$S/sync"; print_state change
        fi
      fi
      flock -u 9
    done
    sleep 3600
    ;;
  status)
    if [ "$json" = yes ]; then print_json; exit 0; fi
    up "$ME" || exit 0
    echo "$RES role:$(get "$ME" role Secondary)"
    echo "  disk:$(get "$ME" disk UpToDate)"
    ;;
  primary)
    up "$ME" || { echo "$RES: Failure: (158) Unknown resource" >&2; exit 10; }
    [ "$(get "$ME" role Secondary)" = Primary ] && exit 0
    if connected && [ "$(get "$PEER" role Secondary)" = Primary ]; then refuse 11 -1 "Multiple primaries not allowed by config"; fi
    [ "$(get "$ME" quorum yes)" = yes ] || refuse 11 -23 "No quorum"
    disk=$(get "$ME" disk UpToDate)
    if [ "$disk" != UpToDate ] && [ "$force" != yes ]; then
      pd=DUnknown; connected && pd=$(get "$PEER" disk UpToDate)
      if ! { [ "$disk" = Consistent ] && [ "$pd" = Outdated ]; }; then refuse 17 -2 "Need access to UpToDate data"; fi
    fi
    [ "$disk" = Diskless ] && refuse 17 -2 "Need access to UpToDate data"
    put "$ME" role Primary
    [ "$force" = yes ] && put "$ME" disk UpToDate
    connected || touch "$S/$ME/diverged"
    ;;
  secondary)
    up "$ME" || exit 0
    [ "$(get "$ME" open no)" = yes ] && refuse 11 -12 "Device is held open by someone"
    put "$ME" role Secondary
    ;;
  connect)
    up "$ME" || { echo "$RES: Failure: (158) Unknown resource" >&2; exit 10; }
    connected && exit 0
    handshake
    ;;
  disconnect)
    up "$ME" || exit 0
    put "$ME" conn StandAlone
    [ "$(get "$PEER" conn Connected)" = Connected ] && put "$PEER" conn Connecting
    rm -f "$S/sync" "$S/synctarget"
    ;;
  outdate)
    [ "$(get "$ME" role Secondary)" = Primary ] && refuse 17 -2 "Need access to UpToDate data"
    if up "$ME" && connected; then refuse 11 -10 "Refusing to be Outdated while Connected"; fi
    if [ "$(get "$ME" disk UpToDate)" = Inconsistent ]; then echo "Device is inconsistent." >&2; exit 5; fi
    put "$ME" disk Outdated
    ;;
  down)
    put "$ME" up 0; put "$ME" role Secondary; put "$ME" conn StandAlone
    [ "$(get "$PEER" conn Connected)" = Connected ] && put "$PEER" conn Connecting
    ;;
  up)
    up "$ME" && exit 0
    put "$ME" up 1; put "$ME" role Secondary
    handshake
    ;;
  *)
    echo "stand-in: $prog $cmd is not modelled" >&2
    exit 20
    ;;
esac
exit 0
