/**
 * The IPMI v2.0 RMCP+ protocol machinery behind {@link dev.ha4j.fencing.ipmi.IpmiFencer}: packet codec,
 * RAKP and session cryptography, UDP transport and the session. No compatibility promise.
 */
package dev.ha4j.fencing.ipmi.internal;
