package org.tiphotline.callers;

/** What a supervisor warns the next operator about; the console says each in words (labels). */
public enum FlagKind { ABUSIVE, HIGH_RISK, PRANK }
