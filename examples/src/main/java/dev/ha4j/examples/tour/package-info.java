/**
 * The README's tour of embedding ha4j as compiled code: {@link dev.ha4j.examples.tour.Tour}.
 */
package dev.ha4j.examples.tour;
