package dev.cairn.web.security;

import dev.cairn.web.CairnProperties;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Refuses to start a service that would listen beyond loopback without a token: anyone who could reach
 * the port could read and delete every volume.
 */
@Component
class ListenAddressGuard {

    ListenAddressGuard(CairnProperties properties, @Value("${server.address:}") String address) {
        if (!properties.security().enabled() && !isLoopback(address)) {
            throw new IllegalStateException("Cairn refuses to listen on '" + (address.isBlank() ? "all addresses"
                    : address) + "' without a token: anyone who can reach that address could read and delete every "
                    + "volume. Set --cairn.security.token=<secret> (clients then send 'Authorization: Bearer <secret>'), "
                    + "or listen on loopback with --server.address=127.0.0.1.");
        }
    }

    private static boolean isLoopback(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
