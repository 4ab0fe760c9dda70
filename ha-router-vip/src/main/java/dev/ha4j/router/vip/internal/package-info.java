/**
 * Implementation details of the virtual-IP router (process execution, the epoch state file, background
 * announcements, parsing of {@code ip} output); no compatibility promise.
 */
package dev.ha4j.router.vip.internal;
