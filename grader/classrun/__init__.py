"""classrun"""
