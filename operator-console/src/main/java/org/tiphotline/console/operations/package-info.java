/** Running the hotline: probes for the load balancer, metrics for Prometheus, the backup drill's check. */
package org.tiphotline.console.operations;
