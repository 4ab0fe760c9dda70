/**
 * The living differential suite: timed scenarios played through Pacemaker's scheduler ({@code crm_simulate}) and
 * through {@link dev.ha4j.core.engine.FailoverEngine}, mapped to one vocabulary of decisions and compared step by
 * step. Test code only; nothing here is published.
 */
package dev.ha4j.differential;
