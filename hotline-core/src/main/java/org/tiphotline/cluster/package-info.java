/** Running as one of several nodes: which node leads the scheduled work and the links that only one may hold. */
package org.tiphotline.cluster;
