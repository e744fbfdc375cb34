/** The administrators' one-screen system status: links, database, alert channels, key ids, sign-in failures. */
package org.tiphotline.console.status;
