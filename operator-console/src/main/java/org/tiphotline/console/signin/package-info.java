/**
 * The web side of sign-in abuse and sessions: the throttled sign-in, its refusals, idle and absolute limits over the
 * sessions every node shares in PostgreSQL, and this node's live channels closed when their session ends anywhere.
 */
package org.tiphotline.console.signin;
