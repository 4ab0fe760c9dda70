/** Implementation details of ha-core with no compatibility promise. */
package dev.ha4j.core.internal;
