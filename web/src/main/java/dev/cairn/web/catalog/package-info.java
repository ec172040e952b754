/**
 * The catalog: pools and volumes as Spring Data JDBC rows. Capacity, allocation and bytes are never
 * stored here; they are read from storage each time, so the catalog cannot disagree with it about them.
 */
package dev.cairn.web.catalog;
