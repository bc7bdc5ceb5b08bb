package vn.edocaxis; public final class Main { public static void main(String[] a) {} }
