"""Placeholder while the page is built."""

import streamlit as st


def data_page() -> None:
    st.title("data")
