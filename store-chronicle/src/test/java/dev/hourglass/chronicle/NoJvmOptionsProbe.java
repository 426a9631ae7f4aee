package dev.hourglass.chronicle;

import dev.hourglass.Hourglass;

/** For {@link JvmOptionsTest}: opens a store in a JVM started without the options and prints why it failed. */
public final class NoJvmOptionsProbe {

    private NoJvmOptionsProbe() {}

    public static void main(String[] args) {
        try {
            Hourglass.open(args[0]).close();
            System.out.println("opened");
        } catch (RuntimeException e) {
            System.out.println(e.getClass().getName() + ": " + e.getMessage());
        }
    }
}
