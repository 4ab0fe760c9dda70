/**
 * Node fencing (STONITH) over IPMI v2.0 RMCP+ ("lanplus"), spoken natively from Java over UDP: no
 * {@code ipmitool}, no fixed sleeps, and a result that names its cause.
 *
 * <p>Start with {@link dev.ha4j.fencing.ipmi.IpmiFencerConfig#custom()}, add one
 * {@link dev.ha4j.fencing.ipmi.BmcConfig} per node, and create an {@link dev.ha4j.fencing.ipmi.IpmiFencer}.
 * Every action opens its own RMCP+ session, reads the power state back until it matches (a fence succeeds
 * only when the BMC reads back OFF), and always closes the session.
 */
package dev.ha4j.fencing.ipmi;
