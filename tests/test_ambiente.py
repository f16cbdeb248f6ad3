"""Testes de cursoconv.ambiente: modo rápido, sementes e dispositivo."""
import numpy as np
import pytest
import torch
from torch import nn

from cursoconv import ambiente, utils


@pytest.mark.parametrize("valor", ["1", "true", "sim", "yes", "on", "s", " SIM ", "True"])
def test_modo_rapido_ligado(monkeypatch, valor):
    monkeypatch.setenv(ambiente.VARIAVEL_RAPIDO, valor)
    assert utils.modo_rapido() is True


@pytest.mark.parametrize("valor", ["0", "false", "nao", "não", "no", "off", "", "  "])
def test_modo_rapido_desligado(monkeypatch, valor):
    monkeypatch.setenv(ambiente.VARIAVEL_RAPIDO, valor)
    assert utils.modo_rapido() is False


def test_modo_rapido_sem_a_variavel(monkeypatch):
    monkeypatch.delenv(ambiente.VARIAVEL_RAPIDO, raising=False)
    assert utils.modo_rapido() is False


@pytest.mark.parametrize("valor", ["talvez", "2", "ligado"])
def test_modo_rapido_com_valor_desconhecido_e_erro(monkeypatch, valor):
    monkeypatch.setenv(ambiente.VARIAVEL_RAPIDO, valor)
    with pytest.raises(ValueError, match=f"Não entendi CURSO_RAPIDO='{valor}'.*CURSO_RAPIDO=1.*CURSO_RAPIDO=0"):
        utils.modo_rapido()


def test_sementes_repetem_resultados():
    utils.fixar_semente(123)
    a = (torch.rand(3), np.random.rand(), nn.Linear(2, 2).weight.detach().clone())
    utils.fixar_semente(123)
    b = (torch.rand(3), np.random.rand(), nn.Linear(2, 2).weight.detach().clone())
    assert torch.equal(a[0], b[0]) and a[1] == b[1] and torch.equal(a[2], b[2])


def test_escolha_do_dispositivo(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert utils.escolher_dispositivo().type == "cpu"
    assert "Alterar o tipo de ambiente de execução" in utils.relatar_ambiente()
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert utils.escolher_dispositivo().type == "mps"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert utils.escolher_dispositivo().type == "cuda"


def test_dispositivo_pedido_que_nao_existe(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(utils.DispositivoIndisponivel) as erro:
        utils.descrever_dispositivo("cuda")
    assert "Acelerador de hardware: GPU" in str(erro.value) and 'device="cpu"' in str(erro.value)
    with pytest.raises(utils.DispositivoIndisponivel, match="Não conheço o dispositivo 'gpu'") as erro:
        ambiente.conferir_dispositivo("gpu")
    assert isinstance(erro.value.__cause__, RuntimeError)  # o erro original, encadeado
    assert ambiente.conferir_dispositivo("cpu") == torch.device("cpu")
