/** Key rotation: moving encrypted rows and caller-number hashes to a new key while calls are taken, then retiring the old. */
package org.tiphotline.protection.rotation;
