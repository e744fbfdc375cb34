/** Protection of personal data: encryption at rest, keyed hashes for matching, and the audit trail. */
package org.tiphotline.protection;
