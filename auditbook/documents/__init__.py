"""Audits as files to share or keep: what a document says (`blocks`), Word and HTML
(`audit_export`), the Excel workbook and CSV (`workbook`) and the pseudonymised workbook.
"""
