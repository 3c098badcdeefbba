package io.qaflow.gateway.it;

/** Test teardown: closes everything that was started, in order, whatever fails or was never started. */
final class Closeables {
    private Closeables() {}

    static void closeAll(AutoCloseable... closeables) {
        for (AutoCloseable closeable : closeables) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                e.printStackTrace();
            }
        }
    }
}
