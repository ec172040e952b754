package dev.cairn.web;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** The Cairn service: {@code java -jar web/target/cairn.jar}. */
@SpringBootApplication
@EnableConfigurationProperties(CairnProperties.class)
public class CairnApplication {
    public static void main(String[] args) {
        SpringApplication.run(CairnApplication.class, args);
    }
}
