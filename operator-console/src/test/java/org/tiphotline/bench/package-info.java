/**
 * Benchmarks, run only with the {@code bench} Maven profile (see {@code docs/benchmarks.md}). Nothing here is a
 * test or a Spring component: the normal build compiles it and never runs it.
 */
package org.tiphotline.bench;
