package dev.cairn.web;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module edges of ARCHITECTURE.md, kept true mechanically: web -> qcow2-driver -> pool-drivers -> api. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importCairn() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.cairn");
    }

    @Test
    void enginesKnowNothingOfSpringServletsOrTheCatalog() {
        noClasses().that().resideInAnyPackage("dev.cairn.api..", "dev.cairn.pool..", "dev.cairn.qcow2..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta.servlet..",
                        "dev.cairn.web..", "java.sql..")
                .check(classes);
    }

    @Test
    void poolDriversNeverReachIntoQcow2() {
        noClasses().that().resideInAnyPackage("dev.cairn.api..", "dev.cairn.pool..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.cairn.qcow2..")
                .check(classes);
    }

    @Test
    void theVocabularyDependsOnNoEngine() {
        noClasses().that().resideInAPackage("dev.cairn.api..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.cairn.pool..", "dev.cairn.qcow2..")
                .check(classes);
    }

    @Test
    void controllersNeverTouchDriversOrFiles() {
        noClasses().that().haveSimpleNameEndingWith("Controller")
                .should().dependOnClassesThat().resideInAnyPackage("dev.cairn.pool..", "dev.cairn.qcow2..",
                        "java.nio.file..")
                .check(classes);
    }
}
