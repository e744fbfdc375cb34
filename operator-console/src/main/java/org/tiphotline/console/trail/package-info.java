/** Who read what: the audit trail and the sign-ins, filtered and paged, for the auditor and the leader (issue 21). */
package org.tiphotline.console.trail;
