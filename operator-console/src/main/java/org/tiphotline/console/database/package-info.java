/** The database the application runs on: an embedded real PostgreSQL by default, an external one when configured. */
package org.tiphotline.console.database;
