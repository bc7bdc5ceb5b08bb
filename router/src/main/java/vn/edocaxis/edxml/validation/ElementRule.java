package vn.edocaxis.edxml.validation;

import java.util.HashMap;
import java.util.Map;

/**
 * One known edXML element: how often it may occur in its parent (separately for document packages
 * and status messages), what its text must look like if it is a leaf, and which known children it
 * has. Built once in {@link EdxmlRules}; never changed afterwards.
 */
final class ElementRule {

    /** Cross-field checks the validator runs for particular elements. */
    enum Hook {
        NONE, EDXML_HEADER, MESSAGE_HEADER, TO_ORGAN_ID, STATUS_CODE, BUSINESS, BUSINESS_DOC_TYPE, REPLACEMENT_INFO,
        REFERENCE_CONTENT_ID, ATTACHMENT_CONTENT_ID, SIGNATURE
    }

    final String name;
    /** Null for a container. */
    final ValueKind kind;
    final int maxChars;
    final long minValue;
    final long maxValue;
    final ElementRule[] children;
    private final Map<String, Integer> index = new HashMap<>();

    int documentMin;
    int documentMax = 1;
    int statusMin;
    int statusMax = 1;
    Hook hook = Hook.NONE;

    private ElementRule(String name, ValueKind kind, int maxChars, long minValue, long maxValue, ElementRule[] children) {
        this.name = name;
        this.kind = kind;
        this.maxChars = maxChars;
        this.minValue = minValue;
        this.maxValue = maxValue;
        this.children = children;
        for (int i = 0; i < children.length; i++) {
            if (index.put(children[i].name, i) != null) {
                throw new IllegalArgumentException("duplicate child " + children[i].name + " in " + name);
            }
        }
    }

    static ElementRule container(String name, ElementRule... children) {
        return new ElementRule(name, null, 0, 0, 0, children);
    }

    static ElementRule text(String name, int maxChars) {
        return new ElementRule(name, ValueKind.TEXT, maxChars, 0, 0, new ElementRule[0]);
    }

    static ElementRule value(String name, ValueKind kind) {
        return new ElementRule(name, kind, kind.defaultMaxChars, 0, 0, new ElementRule[0]);
    }

    static ElementRule integer(String name, long min, long max) {
        return new ElementRule(name, ValueKind.INTEGER, ValueKind.INTEGER.defaultMaxChars, min, max, new ElementRule[0]);
    }

    /** Exactly once in every package that has the parent. */
    ElementRule required() {
        return occurs(1, 1, 1, 1);
    }

    /** Any number of times up to {@code max}, at least {@code min}. */
    ElementRule repeated(int min, int max) {
        return occurs(min, max, min, max);
    }

    ElementRule occurs(int documentMin, int documentMax, int statusMin, int statusMax) {
        this.documentMin = documentMin;
        this.documentMax = documentMax;
        this.statusMin = statusMin;
        this.statusMax = statusMax;
        return this;
    }

    ElementRule hook(Hook hook) {
        this.hook = hook;
        return this;
    }

    boolean isLeaf() {
        return kind != null;
    }

    /** Index of the known child called {@code name}, or -1. */
    int childIndex(String name) {
        Integer i = index.get(name);
        return i == null ? -1 : i;
    }

    int min(boolean status) {
        return status ? statusMin : documentMin;
    }

    int max(boolean status) {
        return status ? statusMax : documentMax;
    }
}
