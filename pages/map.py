"""Placeholder while the page is built."""

import streamlit as st


def map_page() -> None:
    st.title("map")
