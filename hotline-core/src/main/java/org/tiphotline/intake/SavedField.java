package org.tiphotline.intake;

/** A field saved: the report's version now and the field's own, which the operator's next save of it starts from. */
public record SavedField(int version, int fieldVersion) {}
