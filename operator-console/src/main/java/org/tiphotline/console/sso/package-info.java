/** Optional single sign-on through a ministry's OpenID Connect provider, for people who already have a local account. */
package org.tiphotline.console.sso;
