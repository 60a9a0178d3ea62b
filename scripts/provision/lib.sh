# Shared helpers for scripts/provision/*.sh (sourced, not executed).
# apt-get update runs at most once per provisioning run: all.sh exports ATRIUM_APT_STAMP, and a step that needs
# a package calls apt_install, which updates only if nothing has done so yet in this run.
log() { printf '[provision:%s] %s\n' "${PROVISION_STEP:-?}" "$*"; }

apt_update_once() {
  local stamp=${ATRIUM_APT_STAMP:-/tmp/atrium-apt-updated.$$}
  [ -f "$stamp" ] && return 0
  log "apt-get update"
  apt-get update -qq
  touch "$stamp"
}

# apt_install PKG... : installs only the packages that are not installed yet.
apt_install() {
  local missing=() p
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  apt_update_once
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
}
