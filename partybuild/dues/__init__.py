"""党费: the services, forms, tables and workbook of members' dues."""
