/** The data management leader's retention page: batches proposed for erasure, approved or rejected over HTTP. */
package org.tiphotline.console.retention;
