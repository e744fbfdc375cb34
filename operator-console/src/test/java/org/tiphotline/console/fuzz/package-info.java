/** Property-based fuzzing of the application's input edges over real HTTP, with invariants on what got stored. */
package org.tiphotline.console.fuzz;
