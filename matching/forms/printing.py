"""(area module)"""
