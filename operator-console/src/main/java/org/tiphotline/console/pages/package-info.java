/** The hotline's own server-made pages (sign-in, "not allowed", "not found"): one look, no Spring default page. */
package org.tiphotline.console.pages;
