"""Módulo do curso "Camadas convolucionais": veja ``cursoconv.utils``."""
__version__ = "0.1.0"
