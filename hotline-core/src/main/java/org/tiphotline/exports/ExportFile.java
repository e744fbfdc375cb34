package org.tiphotline.exports;

/** An export written out: what to call it, its media type and its bytes. */
public record ExportFile(String filename, String contentType, byte[] content, ExportTable table) {}
