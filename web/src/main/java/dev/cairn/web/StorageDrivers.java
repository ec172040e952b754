package dev.cairn.web;

import dev.cairn.pool.spi.PoolDrivers;
import dev.cairn.pool.spi.VolumeFormats;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The engines on the class path, found once at start. */
@Configuration(proxyBeanMethods = false)
class StorageDrivers {
    @Bean
    PoolDrivers poolDrivers() {
        return PoolDrivers.installed();
    }

    @Bean
    VolumeFormats volumeFormats() {
        return VolumeFormats.installed();
    }
}
